// Command oracle renders templates with Go's text/template, Sprig v3 and the functions Helm adds
// (toYaml, fromYaml, fromYamlArray, fromJsonArray, required), set up as Helm sets them up:
// missingkey=zero and "<no value>" removed from the output. The TypeScript engine's tests compare
// their output with this one.
//
// Input (stdin): {"data": {"name": <json>...}, "cases": [{"id": "...", "template": "...", "data": "name"}]}.
// Data is decoded as the Kubernetes API server decodes JSON: integers as int64, other numbers as
// float64. Output (stdout): [{"id": "...", "ok": true, "out": "..."} | {"id": "...", "ok": false, "err": "..."}].
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
)

type input struct {
	Data  map[string]json.RawMessage `json:"data"`
	Cases []struct {
		ID       string `json:"id"`
		Template string `json:"template"`
		Data     string `json:"data"`
	} `json:"cases"`
}

type result struct {
	ID  string `json:"id"`
	OK  bool   `json:"ok"`
	Out string `json:"out,omitempty"`
	Err string `json:"err,omitempty"`
}

// decode parses JSON like the API server's unstructured decoding: json.Number becomes int64 when
// it is an integer literal, float64 otherwise.
func decode(raw []byte) (interface{}, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v interface{}
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return convert(v), nil
}

func convert(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		for k, e := range t {
			t[k] = convert(e)
		}
		return t
	case []interface{}:
		for i, e := range t {
			t[i] = convert(e)
		}
		return t
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return i
		}
		f, _ := t.Float64()
		return f
	default:
		return v
	}
}

// funcs is Helm's function map without the ones that need a chart (include, tpl, lookup, toml).
func funcs() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	f["toYaml"] = func(v interface{}) string {
		data, err := yaml.Marshal(v)
		if err != nil {
			return ""
		}
		return strings.TrimSuffix(string(data), "\n")
	}
	f["fromYaml"] = func(str string) map[string]interface{} {
		m := map[string]interface{}{}
		if err := yaml.Unmarshal([]byte(str), &m); err != nil {
			m["Error"] = err.Error()
		}
		return m
	}
	f["fromYamlArray"] = func(str string) []interface{} {
		a := []interface{}{}
		if err := yaml.Unmarshal([]byte(str), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	f["fromJsonArray"] = func(str string) []interface{} {
		a := []interface{}{}
		if err := json.Unmarshal([]byte(str), &a); err != nil {
			a = []interface{}{err.Error()}
		}
		return a
	}
	f["required"] = func(warn string, val interface{}) (interface{}, error) {
		if val == nil {
			return val, errors.New(warn)
		} else if _, ok := val.(string); ok {
			if val == "" {
				return val, errors.New(warn)
			}
		}
		return val, nil
	}
	return f
}

func render(fm template.FuncMap, src string, data interface{}) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	t, err := template.New("t").Funcs(fm).Option("missingkey=zero").Parse(src)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return "", err
	}
	return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
}

func main() {
	var in input
	if err := json.NewDecoder(os.Stdin).Decode(&in); err != nil {
		fmt.Fprintf(os.Stderr, "oracle: reading input: %v\n", err)
		os.Exit(2)
	}
	fm := funcs()
	results := make([]result, 0, len(in.Cases))
	for _, c := range in.Cases {
		raw, ok := in.Data[c.Data]
		if !ok {
			fmt.Fprintf(os.Stderr, "oracle: case %s: no data set %q\n", c.ID, c.Data)
			os.Exit(2)
		}
		// Decoded per case: Sprig's set/unset/append modify their arguments.
		data, err := decode(raw)
		if err != nil {
			fmt.Fprintf(os.Stderr, "oracle: data set %q: %v\n", c.Data, err)
			os.Exit(2)
		}
		out, err := render(fm, c.Template, data)
		if err != nil {
			results = append(results, result{ID: c.ID, Err: err.Error()})
		} else {
			results = append(results, result{ID: c.ID, OK: true, Out: out})
		}
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(results); err != nil {
		fmt.Fprintf(os.Stderr, "oracle: %v\n", err)
		os.Exit(2)
	}
}
