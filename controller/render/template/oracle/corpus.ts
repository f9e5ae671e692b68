/**
 * The hand-written part of the oracle corpus. `doc` cases are the examples in docs/templates.md
 * (one or more per function, results taken from the engine and checked against Go); `difference`
 * marks a case where Orkestra deliberately differs from Go + Sprig (see differences.ts).
 */
import type { DataSetName } from './datasets.ts';
import type { DifferenceName } from './differences.ts';

export interface OracleCase {
  readonly template: string;
  readonly data: DataSetName;
  /** The function this case documents in docs/templates.md, and under which heading. */
  readonly doc?: string;
  readonly section?: string;
  readonly difference?: DifferenceName;
}

const cases: OracleCase[] = [];
let section = '';
const heading = (title: string): void => {
  section = title;
};
const doc = (fn: string, template: string, difference?: DifferenceName): void => {
  cases.push({ template, data: 'cr', doc: fn, section, ...(difference === undefined ? {} : { difference }) });
};
const c = (...templates: string[]): void => {
  for (const template of templates) cases.push({ template, data: 'cr' });
};
const diff = (difference: DifferenceName, template: string): void => {
  cases.push({ template, data: 'cr', difference });
};

// -- Go builtins ---------------------------------------------------------------------------------
heading('Go builtins');
doc('and', '{{ and .spec.enabled .spec.replicas }}');
doc('or', '{{ or .spec.empty "fallback" }}');
doc('not', '{{ not .spec.enabled }}');
doc('eq', '{{ eq .spec.replicas 3 }}');
doc('ne', '{{ ne .metadata.name "web" }}');
doc('lt', '{{ lt .spec.replicas 5 }}');
doc('le', '{{ le 3 .spec.replicas }}');
doc('gt', '{{ gt (len .spec.tags) 2 }}');
doc('ge', '{{ ge .spec.ratio 1.5 }}');
doc('len', '{{ len .spec.tags }}');
doc('index', '{{ index .metadata.labels "app.kubernetes.io/name" }}');
doc('print', '{{ print .spec.replicas "x" .spec.ratio }}');
doc('printf', '{{ printf "%s:%d %.2f %q" .metadata.name .spec.replicas .spec.ratio .spec.image }}');
doc('println', '{{ println .metadata.name 1 }}');
c(
  '{{ eq .spec.image "nginx:1.25.3" "x" }}',
  '{{ index .spec.ports 1 }}',
  '{{ index .spec.env 0 "name" }}',
  '{{ len .metadata.labels }}',
  '{{ printf "%05.1f|%x|%X|%o|%b|%e|%g" 3.14159 255 255 8 5 1234.5678 0.000012 }}',
  '{{ printf "%v %v" .spec.tags .spec.resources }}',
  '{{ printf "%-6s|%6s|" "ab" "cd" }}',
  '{{ printf "%d %d" 1 }}',
  '{{ printf "%t %c %U" true 65 9731 }}',
  '{{ if and .spec.enabled (gt .spec.replicas 1) }}multi{{ else }}single{{ end }}',
  '{{ range $i, $p := .spec.ports }}{{ $i }}={{ $p }};{{ end }}',
  '{{ range $k, $v := .metadata.labels }}{{ $k }}={{ $v }},{{ end }}',
  '{{ range .spec.emptyList }}x{{ else }}none{{ end }}',
  '{{ with .spec.resources.limits }}{{ .cpu }}/{{ .memory }}{{ end }}',
  '{{ range 3 }}{{ . }}{{ end }}',
  '{{ $x := 1 }}{{ range .spec.ports }}{{ $x = add $x 1 }}{{ end }}{{ $x }}',
  '{{- /* comment */ -}} {{ .metadata.name -}} !',
  '{{ range .spec.tags }}{{ if eq . "cache" }}{{ break }}{{ end }}{{ . }},{{ end }}',
  '{{ range .spec.tags }}{{ if eq . "api" }}{{ continue }}{{ end }}{{ . }},{{ end }}',
);

// -- defaults and flow ---------------------------------------------------------------------------
heading('Defaults and flow control');
doc('default', '{{ .spec.nope | default "nginx" }}');
doc('default', '{{ .spec.zero | default 8080 }}');
doc('empty', '{{ empty .spec.emptyMap }}');
doc('coalesce', '{{ coalesce .spec.empty .spec.nope "third" }}');
doc('all', '{{ all .spec.enabled .spec.replicas .spec.empty }}');
doc('any', '{{ any .spec.empty .spec.zero .spec.image }}');
doc('ternary', '{{ ternary "on" "off" .spec.enabled }}');
doc('required', '{{ required "spec.image is required" .spec.image }}');
doc('fail', '{{ if lt .spec.replicas 5 }}{{ fail "replicas must be at least 5" }}{{ end }}');
c(
  '{{ default "x" .spec.empty }}',
  '{{ default "x" .spec.disabled }}',
  '{{ default "x" .spec.emptyList }}',
  '{{ default "x" .spec.nothing }}',
  '{{ default "x" .spec.ratio }}',
  '{{ empty .spec.nope }}',
  '{{ empty 0 }}',
  '{{ empty .spec.tags }}',
  '{{ coalesce .spec.zero .spec.disabled }}',
  '{{ required "need it" .spec.empty }}',
  '{{ required "need it" .spec.nothing }}',
  '{{ required "need it" .spec.zero }}',
  '{{ ternary 1 2 false }}',
);

// -- strings -------------------------------------------------------------------------------------
heading('Strings');
doc('trim', '{{ trim "  padded \\n" }}');
doc('trimAll', '{{ trimAll "$" "$$5.00$" }}');
doc('trimall', '{{ trimall "-" "--x--" }}');
doc('trimPrefix', '{{ trimPrefix "nginx:" .spec.image }}');
doc('trimSuffix', '{{ trimSuffix ".gz" .spec.path }}');
doc('upper', '{{ upper .metadata.name }}');
doc('lower', '{{ lower "HeLLo" }}');
doc('title', '{{ title "hello wide world" }}');
doc('untitle', '{{ untitle "Hello World" }}');
doc('repeat', '{{ repeat 3 "ab" }}');
doc('substr', '{{ substr 0 5 .spec.image }}');
doc('nospace', '{{ nospace "a b\\tc" }}');
doc('trunc', '{{ trunc 5 .spec.image }}');
doc('trunc', '{{ trunc -6 .spec.image }}');
doc('abbrev', '{{ abbrev 10 .spec.words }}');
doc('abbrevboth', '{{ abbrevboth 5 12 .spec.words }}');
doc('initials', '{{ initials "Hello Wide World" }}');
doc('wrap', '{{ wrap 16 .spec.words }}');
doc('wrapWith', '{{ wrapWith 10 "<br>" .spec.words }}');
doc('contains', '{{ contains "nginx" .spec.image }}');
doc('hasPrefix', '{{ hasPrefix "ng" .spec.image }}');
doc('hasSuffix', '{{ hasSuffix ".3" .spec.image }}');
doc('quote', '{{ quote .metadata.name .spec.replicas }}');
doc('squote', '{{ squote .metadata.name }}');
doc('cat', '{{ cat "a" .spec.replicas .spec.nothing "b" }}');
doc('indent', '{{ indent 2 "a\\nb" }}');
doc('nindent', '{{ "a: 1\\nb: 2" | nindent 4 }}');
doc('replace', '{{ replace "." "-" .spec.version }}');
doc('plural', '{{ len .spec.ports | plural "port" "ports" }}');
doc('snakecase', '{{ snakecase "HTTPServerPort" }}');
doc('camelcase', '{{ camelcase "http_server_port" }}');
doc('kebabcase', '{{ kebabcase "MyAppName" }}');
doc('swapcase', '{{ swapcase "Hello World" }}');
doc('toString', '{{ toString .spec.replicas | quote }}');
doc('toStrings', '{{ toStrings .spec.ports }}');
doc('join', '{{ join "," .spec.tags }}');
doc('split', '{{ (split ":" .spec.image)._1 }}');
doc('splitList', '{{ splitList "." .spec.version }}');
doc('splitn', '{{ splitn "/" 3 .spec.path }}');
doc('sortAlpha', '{{ sortAlpha .spec.tags }}');
doc('atoi', '{{ atoi .spec.numstr }}');
doc('toInt', '{{ toInt "0x1F" }}', 'orkestra-extensions');
doc('toBool', '{{ toBool "true" }}', 'orkestra-extensions');
c(
  '{{ trunc 0 "abc" }}',
  '{{ trunc 10 "abc" }}',
  '{{ trunc -10 "abc" }}',
  '{{ trunc -3 "abc" }}',
  '{{ substr 2 -1 "abcdef" }}',
  '{{ substr -1 3 "abcdef" }}',
  '{{ substr 2 99 "abcdef" }}',
  '{{ abbrev 3 "abcdef" }}',
  '{{ abbrev 5 "abcdef" }}',
  '{{ abbrevboth 0 4 "abcdefghij" }}',
  '{{ abbrevboth 10 7 "abcdefghijklmnop" }}',
  '{{ wrap 5 "a verylongword b" }}',
  '{{ wrapWith 5 "|" "one two three four" }}',
  '{{ title "hello_world foo-bar x.y" }}',
  '{{ snakecase "simpleTest" }}',
  '{{ snakecase "ID2Name" }}',
  '{{ snakecase "already_snake" }}',
  '{{ snakecase "Some Words Here" }}',
  '{{ snakecase "version2Beta" }}',
  '{{ kebabcase "fooBar_baz qux" }}',
  '{{ kebabcase "ABC" }}',
  '{{ camelcase "foo-bar baz" }}',
  '{{ camelcase "__under" }}',
  '{{ camelcase "HTTP" }}',
  '{{ swapcase "ABC def 123" }}',
  '{{ initials "  a   b c" }}',
  '{{ quote .spec.nothing }}',
  '{{ quote "a\\"b" "tab\\t" }}',
  '{{ squote 1.5 true }}',
  '{{ join "-" .spec.ports }}',
  '{{ join ", " .spec.nothing }}',
  '{{ join "+" "single" }}',
  '{{ split "," "a,,b" }}',
  '{{ splitList "" "abc" }}',
  '{{ splitn "," 0 "a,b" }}',
  '{{ splitn "," -1 "a,b,c" }}',
  '{{ replace "" "-" "abc" }}',
  '{{ repeat 0 "x" }}',
  '{{ plural "one" "many" 1 }}',
  '{{ upper "straße" }}',
  '{{ lower "ÀÉÎ" }}',
  '{{ trimAll "ab" "abcba" }}',
  '{{ trimPrefix "" "x" }}',
  '{{ trimSuffix "" "x" }}',
  '{{ atoi "x12" }}',
  '{{ atoi "-7" }}',
  '{{ toStrings .spec.nothing }}',
  '{{ toString .spec.resources }}',
  '{{ toString .spec.ratio }}',
  '{{ sortAlpha "z" }}',
  '{{ cat }}',
  '{{ indent 0 "x" }}',
  '{{ nindent 2 "" }}',
  '{{ .spec.multiline | indent 4 }}',
);

// -- hashes and encodings ------------------------------------------------------------------------
heading('Hashes and encodings');
doc('sha1sum', '{{ sha1sum "hello" }}');
doc('sha256sum', '{{ sha256sum "hello" }}');
doc('sha512sum', '{{ sha512sum "hello" | trunc 16 }}');
doc('adler32sum', '{{ adler32sum "hello" }}');
doc('b64enc', '{{ b64enc .metadata.name }}');
doc('b64dec', '{{ b64dec "c2hvcA==" }}');
doc('b32enc', '{{ b32enc .metadata.name }}');
doc('b32dec', '{{ b32dec "ONUG64A=" }}');
doc('toJson', '{{ toJson .spec.resources }}');
doc('toPrettyJson', '{{ toPrettyJson .spec.env }}');
doc('toRawJson', '{{ toRawJson (dict "html" "<b>&</b>") }}');
doc('fromJson', '{{ (fromJson "{\\"a\\":[1,2]}").a }}');
doc('fromJsonArray', '{{ fromJsonArray "[1, \\"two\\"]" }}');
doc('toYaml', '{{ toYaml .spec.resources }}');
doc('toYaml', 'resources:{{ toYaml .spec.resources | nindent 2 }}');
doc('fromYaml', '{{ (fromYaml "a: 1\\nb: [x, y]").b }}');
doc('fromYamlArray', '{{ fromYamlArray "- a\\n- b" }}');
doc('mustToJson', '{{ mustToJson .spec.ports }}');
doc('mustToPrettyJson', '{{ mustToPrettyJson (dict) }}');
doc('mustToRawJson', '{{ mustToRawJson "a<b" }}');
doc('mustFromJson', '{{ mustFromJson "[true]" }}');
doc('decryptAES', '{{ "ABEiM0RVZneImaq7zN3u/8OXzIfXJLuNLXmf+rPUOjo=" | decryptAES "s3cret" }}');
c(
  '{{ sha1sum "" }}',
  '{{ adler32sum "" }}',
  '{{ adler32sum .spec.words }}',
  '{{ b64enc "" }}',
  '{{ b64dec "!!" }}',
  '{{ b64dec "YQ" }}',
  '{{ b64dec "YQ=" }}',
  '{{ b32enc "a" }}',
  '{{ b32enc "abcde" }}',
  '{{ b32dec "ME======" }}',
  '{{ b32dec "ME" }}',
  '{{ toJson .spec.ratio }}',
  '{{ toJson "a<b>&c" }}',
  '{{ toJson .spec.multiline }}',
  '{{ toPrettyJson .spec.emptyList }}',
  '{{ toPrettyJson .metadata }}',
  '{{ toRawJson .metadata.annotations }}',
  '{{ fromJson "not json" }}',
  '{{ fromJson "3" }}',
  '{{ mustFromJson "{" }}',
  '{{ toYaml .metadata }}',
  '{{ toYaml .spec.config }}',
  '{{ toYaml .spec.env }}',
  '{{ toYaml .spec.tags }}',
  '{{ toYaml .spec }}',
  '{{ toYaml .status }}',
  '{{ toYaml .spec.replicas }}',
  '{{ toYaml .spec.image }}',
  '{{ toYaml .spec.multiline }}',
  '{{ toYaml .spec.emptyMap }}',
  '{{ toYaml .spec.emptyList }}',
  '{{ toYaml .spec.nothing }}',
  '{{ toYaml (list (list 1 2) (dict "a" (list))) }}',
  '{{ toYaml (dict "k" "yes" "n" "1.0" "t" "2024-01-02" "o" "0o17" "h" "0x1F" "s" "~" "b" "-" "q" "\'x\'") }}',
  '{{ toYaml (dict "a" " lead" "b" "trail " "c" "x\\ty" "d" "multi\\n\\nline\\n\\n" "e" "é" "f" "@at") }}',
  '{{ toYaml (dict "a10" 1 "a9" 2 "a1" 3 "B" 4 "b" 5 "_" 6 "1" 7) }}',
  'config:{{ toYaml .spec.config | nindent 2 }}',
  '{{ toYaml (dict "a" (repeat 25 "word " | trim) "b" (list (repeat 30 "x y")) "c" (printf "%s: %s" (repeat 30 "q") (repeat 30 "r r "))) }}',
  '{{ toYaml (dict "n" (dict "deep" (repeat 20 "abc def ")) "l" (list (list (repeat 20 "gh ij ")))) }}',
  '{{ toYaml (dict "t" (printf "%s\\t%s" (repeat 20 "tab ") (repeat 20 "x  y "))) }}',
  '{{ toYaml (list (dict "k" (repeat 20 "it\'s "))) }}',
  'spec:\n  template:\n    containers:{{ toYaml .spec.env | nindent 4 }}',
  '{{ fromYaml "on: yes\\noff: no\\nn: 1.5" }}',
  '{{ fromYaml "" }}',
  '{{ fromYaml "a:\\n  b: [1, 2]\\n  c: {d: e}" | toJson }}',
  '{{ fromYamlArray "[]" }}',
  '{{ decryptAES "s3cret" "" }}',
  '{{ decryptAES "s3cret" "AAAA" }}',
  '{{ decryptAES "s3cret" "!!" }}',
);

// -- integer and float math ----------------------------------------------------------------------
heading('Integer and float math');
doc('add', '{{ add .spec.replicas 2 }}');
doc('add1', '{{ add1 .spec.replicas }}');
doc('sub', '{{ sub .spec.replicas 1 }}');
doc('mul', '{{ mul .spec.replicas 2 3 }}');
doc('div', '{{ div 7 2 }}');
doc('mod', '{{ mod 7 2 }}');
doc('max', '{{ max 1 .spec.replicas 2 }}');
doc('biggest', '{{ biggest 5 9 2 }}');
doc('min', '{{ min 4 .spec.replicas }}');
doc('addf', '{{ addf 0.1 0.2 }}');
doc('add1f', '{{ add1f .spec.ratio }}');
doc('subf', '{{ subf 1.5 0.25 }}');
doc('mulf', '{{ mulf .spec.ratio 3 }}');
doc('divf', '{{ divf 10 4 }}');
doc('maxf', '{{ maxf 1.5 .spec.weight 2.25 }}');
doc('minf', '{{ minf 1.5 .spec.weight }}');
doc('floor', '{{ floor .spec.weight }}');
doc('ceil', '{{ ceil .spec.ratio }}');
doc('round', '{{ round 3.14159 2 }}');
doc('int', '{{ int "42" | add 1 }}');
doc('int64', '{{ int64 .spec.ratio }}');
doc('float64', '{{ float64 "2.5" }}');
doc('toDecimal', '{{ toDecimal "0777" }}');
doc('until', '{{ until 4 }}');
doc('untilStep', '{{ untilStep 0 10 3 }}');
doc('seq', '{{ seq 5 }}');
c(
  '{{ add }}',
  '{{ add 1.9 1.9 }}',
  '{{ add "3" 4 }}',
  '{{ add "x" 1 }}',
  '{{ add true 1 }}',
  '{{ add .spec.nothing 1 }}',
  '{{ sub 1 5 }}',
  '{{ div -7 2 }}',
  '{{ div 1 0 }}',
  '{{ mod -7 3 }}',
  '{{ mod 1 0 }}',
  '{{ mul 2 }}',
  '{{ mul 2.9 2.9 }}',
  '{{ add1 .spec.weight }}',
  '{{ max 1.9 1.1 }}',
  '{{ min -1.5 2 }}',
  '{{ addf 1 2 3.5 }}',
  '{{ addf }}',
  '{{ subf 0.3 0.1 }}',
  '{{ mulf 1.1 1.1 }}',
  '{{ divf 1 3 }}',
  '{{ divf 2 3 }}',
  '{{ divf 10 4 5 }}',
  '{{ divf 1 0 }}',
  '{{ floor 2.5 }}',
  '{{ ceil -2.5 }}',
  '{{ round 2.5 0 }}',
  '{{ round -2.5 0 }}',
  '{{ round 1.2345 3 }}',
  '{{ round 1.25 1 0.6 }}',
  '{{ int .spec.floatstr }}',
  '{{ int "3.00" }}',
  '{{ int .spec.hexstr }}',
  '{{ int "junk" }}',
  '{{ int64 true }}',
  '{{ float64 .spec.floatstr }}',
  '{{ float64 "junk" }}',
  '{{ float64 .spec.ratio }}',
  '{{ toDecimal 777 }}',
  '{{ toDecimal "9" }}',
  '{{ until 0 }}',
  '{{ until -3 }}',
  '{{ untilStep 10 0 -3 }}',
  '{{ untilStep 0 10 -1 }}',
  '{{ untilStep 5 5 1 }}',
  '{{ seq 0 }}',
  '{{ seq -2 }}',
  '{{ seq 2 5 }}',
  '{{ seq 5 2 }}',
  '{{ seq 1 2 10 }}',
  '{{ seq 10 -3 1 }}',
  '{{ seq 10 3 1 }}',
  '{{ seq }}',
  '{{ range until 3 }}{{ . }}{{ end }}',
  '{{ range $i := until (len .spec.ports) }}{{ index $.spec.ports $i }} {{ end }}',
);

// -- lists ---------------------------------------------------------------------------------------
heading('Lists');
doc('list', '{{ list 1 "two" .spec.ratio }}');
doc('tuple', '{{ tuple "a" "b" }}');
doc('first', '{{ first .spec.tags }}');
doc('last', '{{ last .spec.tags }}');
doc('rest', '{{ rest .spec.tags }}');
doc('initial', '{{ initial .spec.tags }}');
doc('append', '{{ append .spec.ports 8080 }}');
doc('push', '{{ push .spec.tags "db" }}');
doc('prepend', '{{ prepend .spec.tags "db" }}');
doc('concat', '{{ concat .spec.tags (list "x") }}');
doc('reverse', '{{ reverse .spec.tags }}');
doc('uniq', '{{ uniq .spec.tags }}');
doc('without', '{{ without .spec.tags "api" }}');
doc('has', '{{ has "web" .spec.tags }}');
doc('compact', '{{ compact (list "a" "" 0 "b") }}');
doc('slice', '{{ slice .spec.tags 1 3 }}');
doc('chunk', '{{ chunk 3 (list 1 2 3 4 5) }}');
doc('mustFirst', '{{ mustFirst .spec.ports }}');
doc('mustLast', '{{ mustLast .spec.ports }}');
doc('mustRest', '{{ mustRest .spec.ports }}');
doc('mustInitial', '{{ mustInitial .spec.ports }}');
doc('mustAppend', '{{ mustAppend .spec.tags "x" }}');
doc('mustPush', '{{ mustPush .spec.tags "x" }}');
doc('mustPrepend', '{{ mustPrepend .spec.tags "x" }}');
doc('mustReverse', '{{ mustReverse (list 1 2 3) }}');
doc('mustUniq', '{{ mustUniq (list "a" "a") }}');
doc('mustWithout', '{{ mustWithout (list "a" "b") "a" }}');
doc('mustHas', '{{ mustHas "x" .spec.tags }}');
doc('mustCompact', '{{ mustCompact (list "" "a") }}');
doc('mustSlice', '{{ mustSlice .spec.tags 2 }}');
doc('mustChunk', '{{ mustChunk 2 .spec.tags }}');
c(
  '{{ list }}',
  '{{ first .spec.emptyList }}',
  '{{ last .spec.emptyList }}',
  '{{ rest .spec.emptyList }}',
  '{{ initial .spec.emptyList }}',
  '{{ first "abc" }}',
  '{{ append .metadata.name "x" }}',
  '{{ slice .spec.tags }}',
  '{{ slice .spec.tags 1 }}',
  '{{ slice .spec.emptyList }}',
  '{{ slice .spec.tags 3 1 }}',
  '{{ chunk 2 .spec.emptyList }}',
  '{{ chunk 4 .spec.tags }}',
  '{{ has "x" .spec.nothing }}',
  '{{ has 1 "str" }}',
  '{{ without .spec.tags "api" "web" }}',
  '{{ uniq (list (list 1) (list 1)) }}',
  '{{ compact .spec.tags }}',
  '{{ concat }}',
  '{{ concat (list 1) (list) (list 2 3) }}',
  '{{ reverse .spec.emptyList }}',
  '{{ len (list 1 2 3) }}',
  '{{ index (list "a" "b") 1 }}',
  '{{ range list "x" "y" }}{{ . }}{{ end }}',
  '{{ has 80 (list 80 443) }}',
);

// -- dicts ---------------------------------------------------------------------------------------
heading('Dicts');
doc('dict', '{{ dict "name" .metadata.name "replicas" .spec.replicas }}');
doc('get', '{{ get .metadata.labels "tier" }}');
doc('set', '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }}');
doc('unset', '{{ $d := dict "a" 1 "b" 2 }}{{ $_ := unset $d "a" }}{{ $d }}');
doc('hasKey', '{{ hasKey .metadata.labels "app" }}');
doc('pluck', '{{ pluck "cpu" .spec.resources.limits .spec.resources.requests }}');
doc('keys', '{{ keys .metadata.labels | sortAlpha }}');
doc('pick', '{{ pick .metadata.labels "app" "tier" }}');
doc('omit', '{{ omit .metadata.labels "tier" }}');
doc('merge', '{{ merge (dict "a" 1 "b" "") (dict "b" 2 "c" 3) }}');
doc('mergeOverwrite', '{{ mergeOverwrite (dict "a" 1 "b" 2) (dict "b" 3) }}');
doc('mustMerge', '{{ mustMerge (dict) .spec.resources.limits }}');
doc('mustMergeOverwrite', '{{ mustMergeOverwrite (dict "cpu" "1") .spec.resources.limits }}');
doc('values', '{{ values .spec.resources.limits | sortAlpha }}');
doc('deepCopy', '{{ $c := deepCopy .spec.resources }}{{ $_ := set $c "extra" true }}{{ $c }}');
doc('mustDeepCopy', '{{ mustDeepCopy .spec.ports }}');
doc('dig', '{{ dig "resources" "limits" "cpu" "none" .spec }}');
c(
  '{{ dict }}',
  '{{ dict "odd" }}',
  '{{ dict 1 2 }}',
  '{{ get .metadata.labels "nope" }}',
  '{{ hasKey .spec "nothing" }}',
  '{{ pluck "x" (dict "x" 1) (dict "y" 2) (dict "x" 3) }}',
  '{{ keys (dict "b" 1) (dict "a" 2) | sortAlpha }}',
  '{{ pick .metadata.labels "nope" }}',
  '{{ omit .metadata.labels }}',
  '{{ merge (dict "n" (dict "x" 1)) (dict "n" (dict "y" 2)) }}',
  '{{ merge (dict "a" (list 1)) (dict "a" (list 2)) }}',
  '{{ merge (dict "a" 0 "b" false "c" "x") (dict "a" 5 "b" true "c" "y") }}',
  '{{ mergeOverwrite (dict "a" 1) (dict "a" "") }}',
  '{{ mergeOverwrite (dict "a" (dict "x" 1 "y" 2)) (dict "a" (dict "y" 3)) }}',
  '{{ merge (dict) (dict "a" 1) (dict "a" 2 "b" 3) }}',
  '{{ dig "a" "b" "default" (dict "a" (dict "c" 1)) }}',
  '{{ dig "env" "x" .spec }}',
  '{{ $d := dict }}{{ range .spec.env }}{{ $_ := set $d .name .value }}{{ end }}{{ toJson $d }}',
  '{{ $m := merge (dict) .metadata.labels }}{{ $_ := set $m "extra" "1" }}{{ len $m }} {{ len .metadata.labels }}',
  '{{ (dict "a" (dict "b" "c")).a.b }}',
  '{{ get (dict "x" .spec.nothing) "x" }}',
);

// -- regex ---------------------------------------------------------------------------------------
heading('Regular expressions (RE2)');
doc('regexMatch', '{{ regexMatch "^[a-z]+:[0-9.]+$" .spec.image }}');
doc('regexFind', '{{ regexFind "[0-9]+" .spec.image }}');
doc('regexFindAll', '{{ regexFindAll "[0-9]+" .spec.image -1 }}');
// biome-ignore lint/suspicious/noTemplateCurlyInString: Go's regexp replacement syntax, not a JS template
doc('regexReplaceAll', '{{ regexReplaceAll "(\\\\w+):(\\\\S+)" .spec.image "${2}@${1}" }}');
doc('regexReplaceAllLiteral', '{{ regexReplaceAllLiteral "[.]" .spec.version "$1" }}');
doc('regexSplit', '{{ regexSplit "[:.]" .spec.image -1 }}');
doc('regexQuoteMeta', '{{ regexQuoteMeta "1.2+[x]" }}');
doc('mustRegexMatch', '{{ mustRegexMatch "(?i)NGINX" .spec.image }}');
doc('mustRegexFind', '{{ mustRegexFind "a+" "baaad" }}');
doc('mustRegexFindAll', '{{ mustRegexFindAll "a." "abacad" 2 }}');
// biome-ignore lint/suspicious/noTemplateCurlyInString: Go's regexp replacement syntax, not a JS template
doc('mustRegexReplaceAll', '{{ mustRegexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}');
doc('mustRegexReplaceAllLiteral', '{{ mustRegexReplaceAllLiteral "a" "banana" "$" }}');
doc('mustRegexSplit', '{{ mustRegexSplit "a" "banana" 2 }}');
c(
  '{{ regexMatch "[" "x" }}',
  '{{ mustRegexMatch "[" "x" }}',
  '{{ regexFind "[" "x" }}',
  '{{ regexFindAll "a*" "baaab" -1 }}',
  '{{ regexFindAll "x" "abc" -1 }}',
  '{{ regexFindAll "." "abc" 0 }}',
  '{{ regexReplaceAll "a*" "baaab" "-" }}',
  '{{ regexReplaceAll "(?P<first>\\\\w+) (?P<second>\\\\w+)" "hello world" "$second $first" }}',
  '{{ regexReplaceAll "(a)" "a" "$1x" }}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Go's regexp replacement syntax, not a JS template
  '{{ regexReplaceAll "(a)" "a" "${1}x$$" }}',
  '{{ regexSplit "" "abc" -1 }}',
  '{{ regexSplit "x*" "axbxxc" -1 }}',
  '{{ regexSplit "," "" -1 }}',
  '{{ regexSplit "," "a,b,c" 0 }}',
  '{{ regexMatch "\\\\pL+" "héllo" }}',
  '{{ regexMatch "^(a+)+$" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" }}',
);

// -- semver --------------------------------------------------------------------------------------
heading('Semantic versions');
doc('semverCompare', '{{ semverCompare ">=1.20.0" .spec.version }}');
doc('semver', '{{ (semver .spec.version).Minor }}');
c(
  '{{ semverCompare "^1.2.0" "1.9.9" }}',
  '{{ semverCompare "^1.2.0" "2.0.0" }}',
  '{{ semverCompare "~1.2.0" "1.2.9" }}',
  '{{ semverCompare "~1.2.0" "1.3.0" }}',
  '{{ semverCompare "1.2.x" "1.2.7" }}',
  '{{ semverCompare "1.2" "1.2.7" }}',
  '{{ semverCompare "*" "3.0.0" }}',
  '{{ semverCompare ">=1.0.0 <2.0.0" "1.5.0" }}',
  '{{ semverCompare ">=1.0.0, <2.0.0" "2.0.0" }}',
  '{{ semverCompare "<1.0.0 || >=3.0.0" "3.1.0" }}',
  '{{ semverCompare "1.0.0 - 2.0.0" "2.0.0" }}',
  '{{ semverCompare ">1.x" "2.0.0" }}',
  '{{ semverCompare ">1.x" "1.9.0" }}',
  '{{ semverCompare "<=1.2" "1.2.9" }}',
  '{{ semverCompare "!=1.2.3" "1.2.3" }}',
  '{{ semverCompare "!=1.2.3" "1.2.3-rc.1" }}',
  '{{ semverCompare "!=1.2.x" "1.2.3-rc.1" }}',
  '{{ semverCompare ">=1.0.0" "1.5.0-beta.1" }}',
  '{{ semverCompare ">=1.0.0-0" "1.5.0-beta.1" }}',
  '{{ semverCompare "^0.2.3" "0.2.9" }}',
  '{{ semverCompare "^0.2.3" "0.3.0" }}',
  '{{ semverCompare "^0.0.3" "0.0.4" }}',
  '{{ semverCompare ">= 1.2.3" "v1.2.3" }}',
  '{{ semverCompare ">=1.20" "1.25.3-gke.100" }}',
  '{{ semverCompare "=1.2.3+build" "1.2.3" }}',
  '{{ semverCompare ">=x" "1.0.0" }}',
  '{{ semverCompare "bad constraint!" "1.0.0" }}',
  '{{ semverCompare ">1" "not-a-version" }}',
  '{{ (semver "v2.1").Major }}',
  '{{ (semver "1.2.3-rc.1+meta").Prerelease }}',
  '{{ (semver "1.2.3-rc.1+meta").Metadata }}',
  '{{ semver "1.2.3.4" }}',
);

// -- paths and reflection ------------------------------------------------------------------------
heading('Paths, types and durations');
doc('base', '{{ base .spec.path }}');
doc('dir', '{{ dir .spec.path }}');
doc('clean', '{{ clean "/a//b/../c/." }}');
doc('ext', '{{ ext .spec.path }}');
doc('isAbs', '{{ isAbs .spec.path }}');
doc('osBase', '{{ osBase "a/b/" }}');
doc('osDir', '{{ osDir "file" }}');
doc('osClean', '{{ osClean "../x/./y" }}');
doc('osExt', '{{ osExt "a.b/c" }}');
doc('osIsAbs', '{{ osIsAbs "rel/x" }}');
doc('typeOf', '{{ typeOf .spec.replicas }} {{ typeOf .spec.ratio }} {{ typeOf .spec.tags }}');
doc('typeIs', '{{ typeIs "string" .spec.image }}');
doc('typeIsLike', '{{ typeIsLike "int64" .spec.replicas }}');
doc('kindOf', '{{ kindOf .spec.resources }} {{ kindOf .spec.ports }}');
doc('kindIs', '{{ kindIs "slice" .spec.tags }}');
doc('deepEqual', '{{ deepEqual .spec.resources.requests (dict "cpu" "250m") }}');
doc('urlParse', '{{ (urlParse .spec.url).hostname }}');
doc('urlJoin', '{{ urlJoin (dict "scheme" "https" "host" "example.com:8443" "path" "/a b" "query" "x=1") }}');
doc('duration', '{{ duration .metadata.generation }} {{ duration "3725" }}');
c(
  '{{ base "" }}',
  '{{ base "/" }}',
  '{{ dir "/a" }}',
  '{{ dir "" }}',
  '{{ clean "" }}',
  '{{ clean "../../a" }}',
  '{{ clean "/../a" }}',
  '{{ ext "noext" }}',
  '{{ typeOf .spec.resources }}',
  '{{ typeOf .spec.enabled }}',
  '{{ typeOf .spec.nothing }}',
  '{{ kindOf .spec.image }} {{ kindOf .spec.replicas }} {{ kindOf .spec.enabled }}',
  '{{ kindOf .spec.ratio }}',
  '{{ kindIs "map" .metadata }}',
  '{{ deepEqual .spec.tags (list "web" "api" "cache" "api") }}',
  '{{ duration "95" }} {{ duration .status.observedGeneration }}',
  '{{ urlParse .spec.url }}',
  '{{ urlParse "mailto:someone@example.com" }}',
  '{{ urlParse "/relative/path%20x?q#f%21" }}',
  '{{ urlParse "https://[::1]:80/x" }}',
  '{{ urlParse "https://u%40x:p%3Aw@h/p" }}',
  '{{ urlParse "//host.only" }}',
  '{{ urlParse "http://x/%zz" }}',
  '{{ urlParse ":nope" }}',
  '{{ urlJoin (urlParse .spec.url) }}',
  '{{ urlJoin (dict "path" "a:b") }}',
  '{{ urlJoin (dict "host" "h" "path" "rel") }}',
  '{{ urlJoin (dict "scheme" "mailto" "opaque" "x@y") }}',
  '{{ urlJoin (dict "scheme" "http" "host" "h" "userinfo" "a b:c@d" "fragment" "f g?!") }}',
  '{{ urlJoin (dict "host" 3) }}',
  '{{ urlJoin (dict "scheme" "http" "host" "h" "userinfo" "a%20b:c%40d" "fragment" "f g?!") }}',
);

// -- refused by Orkestra, errors in both ----------------------------------------------------------
c(
  '{{ .spec.image.tag }}',
  '{{ upper .spec.replicas }}',
  '{{ nope }}',
  '{{ if }}',
  '{{ index .spec.ports 5 }}',
  '{{ len 3 }}',
);

// -- the acceptance Katalog (e2e/template-functions.test.ts renders it through the controller) ----
/** ConfigMap data of the acceptance Katalog: each value is text, so it is a valid ConfigMap value. */
export const ACCEPTANCE_TEMPLATES = {
  replicas: '{{ add (int .spec.replicas) 1 | toString }}',
  hosts: '{{ join "," (list .metadata.name "example.com") }}',
  labels: '{{ dict "app" .metadata.name "tier" "front" | toJson }}',
  config: 'server:{{ toYaml .spec.config | nindent 4 }}',
  modern: '{{ semverCompare ">=1.20.0" .spec.version | toString }}',
} as const;
for (const template of Object.values(ACCEPTANCE_TEMPLATES)) c(template);

// -- deliberate differences ----------------------------------------------------------------------
diff('missing-data-fails', '{{ .spec.nope }}');
diff('missing-data-fails', '{{ .spec.nope | quote }}');
diff('missing-chain-is-missing', '{{ .spec.nope.deeper | default "d" }}');
diff('int-parameters-accept-int64', '{{ trunc .spec.replicas "abcdef" }}');
diff('int-parameters-accept-int64', '{{ until .spec.replicas }}');
diff('int-parameters-accept-int64', '{{ "x" | indent .spec.replicas }}');
diff('integral-floats-are-integers', '{{ float64 3 | typeOf }}');
diff('integral-floats-are-integers', '{{ mulf 1000 1000 }}');
diff('integral-floats-are-integers', '{{ 1e6 }}');
diff('integer-literals-are-int64', '{{ typeOf 3 }}');
diff('numbers-compare-by-value', '{{ has 3 (list .spec.replicas) }}');
diff('numbers-compare-by-value', '{{ eq 1 1.5 }}');
diff('split-gives-a-dict', '{{ split "," "a,b" | keys | sortAlpha }}');
diff('split-gives-a-dict', '{{ splitn "," 2 "a,b,c" | merge (dict "z" 1) }}');
diff('numbers-compare-by-value', '{{ .spec.ratio | gt 2 }}');
diff('data-is-never-modified', '{{ $_ := set .metadata.labels "x" "y" }}{{ len .metadata.labels }}');
diff('semver-is-an-object', '{{ semver "1.2.3" }}');
diff('orkestra-extensions', '{{ toInt "12" }}');
diff('strings-are-valid-utf8', '{{ decryptAES "wrong" "ABEiM0RVZneImaq7zN3u/8OXzIfXJLuNLXmf+rPUOjo=" | len }}');
diff('strings-are-valid-utf8', '{{ trunc 1 "é!" | len }}');
diff('from-yaml-errors-fail', '{{ fromYaml "a: [" }}');

export const CORPUS: readonly OracleCase[] = cases;
