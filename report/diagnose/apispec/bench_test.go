package apispec

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The real b2b-v1 description is about 1.7 MB: 202 paths with prose and
// examples everywhere. The benchmarks read the real documents from
// ALTEGIO_OPENAPI_FULL (a folder of en-<name>.openapi.yaml) when it is set;
// otherwise they build a document of that size from the subset in
// ../shared (or, without it, from the test description) by copying its
// paths and adding prose and examples where the real one has them.

// fullSize is the size the synthetic b2b-v1 grows to.
const fullSize = 1_700_000

// fullDocs returns the four documents at full size, by name.
func fullDocs(b *testing.B) map[string][]byte {
	b.Helper()
	out := map[string][]byte{}
	if dir := os.Getenv("ALTEGIO_OPENAPI_FULL"); dir != "" {
		for _, n := range Names {
			data, err := os.ReadFile(filepath.Join(dir, "en-"+n+".openapi.yaml"))
			if err != nil {
				b.Fatal(err)
			}
			out[n] = data
		}
		return out
	}
	dir := os.Getenv("ALTEGIO_OPENAPI_SUBSET")
	if dir == "" {
		dir = "../../../../shared/altegio-openapi"
	}
	for _, n := range Names {
		data, err := os.ReadFile(filepath.Join(dir, "en-"+n+".openapi.yaml"))
		if err != nil {
			data, err = os.ReadFile(filepath.Join(testdataDir, n+".openapi.yaml"))
			if err != nil {
				b.Fatal(err)
			}
		}
		out[n] = data
	}
	out["b2b-v1"] = grow(b, out["b2b-v1"], fullSize)
	return out
}

// grow copies a document's paths under new first segments and adds prose
// and examples until it is about size bytes.
func grow(b *testing.B, data []byte, size int) []byte {
	b.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		b.Fatal(err)
	}
	root := doc.Content[0]
	paths := mapValue(root, "paths")
	orig := append([]*yaml.Node(nil), paths.Content...)
	enrich(root, "")
	encode := func() []byte {
		var buf bytes.Buffer
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(&doc); err != nil {
			b.Fatal(err)
		}
		return buf.Bytes()
	}
	addCopy := func(k int) {
		for i := 0; i+1 < len(orig); i += 2 {
			var cp yaml.Node
			raw, _ := yaml.Marshal(orig[i+1])
			if err := yaml.Unmarshal(raw, &cp); err != nil {
				b.Fatal(err)
			}
			enrich(cp.Content[0], "")
			paths.Content = append(paths.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: fmt.Sprintf("/copy%d%s", k, orig[i].Value)}, cp.Content[0])
		}
	}
	out := encode()
	for k := 1; len(out) < size && k <= 50; k++ {
		// Copies hold paths only, so estimate how many more are needed.
		before := len(out)
		addCopy(k)
		out = encode()
		for more := (size - len(out)) / max(len(out)-before, 1); more > 1; more-- {
			k++
			addCopy(k)
		}
		out = encode()
	}
	return out
}

func mapValue(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

const prose = "Filters the list as the guide describes; values outside the documented range are answered with 422 and a message naming the field."

// enrich adds a description to operations, parameters and schemas, and an
// example to media types, as the real documents have them.
func enrich(n *yaml.Node, parent string) {
	switch n.Kind {
	case yaml.MappingNode:
		if !nameMaps[parent] && (mapValue(n, "type") != nil || mapValue(n, "in") != nil || mapValue(n, "operationId") != nil) && mapValue(n, "description") == nil {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "description"}, &yaml.Node{Kind: yaml.ScalarNode, Value: prose})
		}
		if parent != "properties" && mapValue(n, "schema") != nil && mapValue(n, "in") == nil && mapValue(n, "example") == nil {
			ex := &yaml.Node{Kind: yaml.MappingNode}
			for i := range 5 {
				ex.Content = append(ex.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: fmt.Sprintf("field_%d", i)}, &yaml.Node{Kind: yaml.ScalarNode, Value: "a typical value of the field"})
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "example"}, ex)
		}
		for i := 1; i < len(n.Content); i += 2 {
			enrich(n.Content[i], n.Content[i-1].Value)
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			enrich(c, "")
		}
	}
}

// BenchmarkParseFullSize is what a fetch costs once a week: the original
// b2b-v1 document read and turned into the compact form.
func BenchmarkParseFullSize(b *testing.B) {
	data := fullDocs(b)["b2b-v1"]
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var c []byte
	for b.Loop() {
		var err error
		if c, err = Compact("b2b-v1", data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(data)), "doc-bytes")
	b.ReportMetric(float64(len(c)), "compact-bytes")
}

// BenchmarkLoadAndRoute is what every run costs: the four compact
// documents decoded, the call matched, and its query checked (which
// compiles the schemas it needs), plus the nearest paths of a miss.
func BenchmarkLoadAndRoute(b *testing.B) {
	compact := map[string][]byte{}
	total := 0
	for n, data := range fullDocs(b) {
		c, err := Compact(n, data)
		if err != nil {
			b.Fatal(err)
		}
		compact[n] = c
		total += len(c)
	}
	q := url.Values{"page": {"1"}, "count": {"50"}}
	b.ReportAllocs()
	for b.Loop() {
		var docs []*Doc
		for _, n := range Names {
			d, err := Decode(compact[n])
			if err != nil {
				b.Fatal(err)
			}
			docs = append(docs, d)
		}
		s := NewSet(docs...)
		m, ok := s.Match("GET", "/api/v1/records/123456")
		if !ok || m.Op == nil {
			b.Fatal("no match")
		}
		m.Op.CheckQuery(q)
		CheckPath(m)
		if len(s.Nearest("GET", "/api/v1/company/123/clients", nil, 3)) == 0 {
			b.Fatal("no suggestion")
		}
	}
	b.ReportMetric(float64(total), "compact-bytes")
}
