import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineCharts } from './chart.ts';
import { leastSquares } from './stats.ts';

test('one marker per point, the fit drawn dashed, labels escaped, output stable', () => {
  const points = [
    [100, 2_100],
    [1_000, 20_500],
    [5_000, 101_000],
  ] as const;
  const panel = { title: 'time <vs> N', xLabel: 'Websites', yLabel: 'ms', points, fit: leastSquares(points) };
  const svg = lineCharts([panel, { ...panel, fit: undefined }], 'caption & more');
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="920"/);
  assert.equal(svg.match(/<circle /g)?.length, 6);
  assert.equal(svg.match(/stroke-dasharray/g)?.length, 1);
  assert.ok(svg.includes('time &lt;vs&gt; N') && svg.includes('caption &amp; more'));
  assert.ok(!svg.includes('NaN'));
  assert.equal(svg, lineCharts([panel, { ...panel, fit: undefined }], 'caption & more'));
});

test('axes end on a round tick above the largest value', () => {
  const svg = lineCharts([{ title: 't', xLabel: 'x', yLabel: 'y', points: [[10_000, 287]] }], '');
  // x ticks every 2,000 up to 10,000; y ticks every 50 up to 300.
  assert.ok(svg.includes('>10000</text>') && svg.includes('>300</text>'));
  assert.ok(!svg.includes('>12000</text>') && !svg.includes('>350</text>'));
});
