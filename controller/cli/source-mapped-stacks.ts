// Stack traces of the bundled controller name the .ts files, lines and columns of the sources.
//
// Node's --enable-source-maps parses every loaded chunk's source map at load time and keeps it:
// about 10 MiB of the idle controller's heap for maps most processes never read. Here a chunk's
// map is read on the first stack trace that passes through that chunk, and kept from then on.
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/** A chunk's map with its sources resolved against the map's own URL; null when it has none. */
type LoadedMap = { readonly map: SourceMap; readonly sources: readonly string[] } | null;

/**
 * Formats stacks through the source maps of files whose URL starts with `bundleUrl` (the
 * bundle's directory, ending in "/"); other frames are left as V8 prints them.
 */
export function installSourceMappedStacks(bundleUrl: string): void {
  const maps = new Map<string, LoadedMap>();
  const mapOf = (fileUrl: string): LoadedMap => {
    let loaded = maps.get(fileUrl);
    if (loaded === undefined) {
      loaded = readMap(fileUrl);
      maps.set(fileUrl, loaded);
    }
    return loaded;
  };
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) => {
    const lines = frames.map((frame) => {
      const text = String(frame);
      const file = frame.getFileName();
      const line = frame.getLineNumber();
      const column = frame.getColumnNumber();
      if (!file?.startsWith(bundleUrl) || line === null || column === null) return text;
      const loaded = mapOf(file);
      const entry = loaded?.map.findEntry(line - 1, column - 1);
      if (!loaded || !entry || !('originalSource' in entry)) return text;
      const source = loaded.sources[loaded.map.payload.sources.indexOf(entry.originalSource)] ?? entry.originalSource;
      return text.replace(
        `${file}:${line}:${column}`,
        `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`,
      );
    });
    return [headline(error), ...lines.map((l) => `    at ${l}`)].join('\n');
  };
}

function headline(error: Error): string {
  try {
    return String(error);
  } catch {
    return '<error>';
  }
}

function readMap(fileUrl: string): LoadedMap {
  try {
    const mapUrl = `${fileUrl}.map`;
    const payload = JSON.parse(readFileSync(fileURLToPath(mapUrl), 'utf8')) as ConstructorParameters<
      typeof SourceMap
    >[0];
    const sources = payload.sources.map((s) => new URL(s, mapUrl).href);
    return { map: new SourceMap(payload), sources };
  } catch {
    return null;
  }
}
