package postman

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/altegio/altegio-ticket/capture"
	"github.com/google/go-cmp/cmp"
)

func user(name, value string) capture.Header {
	return capture.Header{Name: name, Value: value, Origin: capture.FromUser}
}

// sample is a redacted POST with both tokens, a password in the body and
// the headers the tool and the transport added.
func sample(base string) *capture.Exchange {
	return &capture.Exchange{Hops: []capture.Hop{{Request: capture.Sent{
		Method: "POST", URL: base + "/api/v1/records/123?x=<b>&flag&sign={{secret_1}}", Proto: "HTTP/1.1",
		Header: capture.Headers{
			{Name: "Host", Value: "api.alteg.io", Origin: capture.FromTransport},
			user("Accept", "application/vnd.api.v2+json"),
			user("Authorization", "Bearer {{partner_token}}, User {{user_token}}"),
			user("Content-Type", "application/json"),
			{Name: "User-Agent", Value: "altegio-ticket/dev", Origin: capture.FromTool},
			{Name: "Content-Length", Value: "53", Origin: capture.FromTransport},
		},
		Body: capture.Body{Data: []byte(`{"login":"me@example.com","password":"{{password}}"}`), Size: 53, ContentType: "application/json"},
	}}}}
}

var vars = []Variable{
	{Key: "partner_token", Description: "the partner token"},
	{Key: "user_token", Description: "the user token"},
	{Key: "password", Description: "the password"},
	{Key: "secret_1", Description: "a secret in the query"},
	{Key: "cookie_session", Description: "not in this request"},
}

// TestCollectionStructure reads the JSON back generically and checks the
// fields Postman v2.1 needs.
func TestCollectionStructure(t *testing.T) {
	data := Collection(sample("https://api.alteg.io"), vars, Info{Name: "Alteg.io API: 401 on POST /api/v1/records/123"})
	var doc struct {
		Info struct{ Name, Schema string }
		Item []struct {
			Name    string
			Request struct {
				Method string
				Header []struct{ Key, Value string }
				URL    struct {
					Raw, Protocol, Port string
					Host, Path          []string
					Query               []struct {
						Key   string
						Value *string
					}
				}
				Body struct {
					Mode, Raw string
					Options   struct{ Raw struct{ Language string } }
				}
			}
		}
		Variable []struct{ Key, Value, Type, Description string }
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	if doc.Info.Schema != "https://schema.getpostman.com/json/collection/v2.1.0/collection.json" || doc.Info.Name == "" {
		t.Errorf("info = %+v", doc.Info)
	}
	if len(doc.Item) != 1 {
		t.Fatalf("%d items, want 1", len(doc.Item))
	}
	r := doc.Item[0].Request
	var headers []string
	for _, h := range r.Header {
		headers = append(headers, h.Key+": "+h.Value)
	}
	wantHeaders := []string{
		"Accept: application/vnd.api.v2+json",
		"Authorization: Bearer {{partner_token}}, User {{user_token}}",
		"Content-Type: application/json",
		"User-Agent: altegio-ticket/dev",
	}
	if d := cmp.Diff(wantHeaders, headers); d != "" {
		t.Errorf("headers (-want +got):\n%s", d)
	}
	got := map[string]any{
		"name": doc.Item[0].Name, "method": r.Method, "raw": r.URL.Raw, "protocol": r.URL.Protocol,
		"host": strings.Join(r.URL.Host, "|"), "path": strings.Join(r.URL.Path, "|"),
		"mode": r.Body.Mode, "body": r.Body.Raw, "language": r.Body.Options.Raw.Language,
	}
	want := map[string]any{
		"name": "POST /api/v1/records/123", "method": "POST",
		"raw": "https://api.alteg.io/api/v1/records/123?x=<b>&flag&sign={{secret_1}}", "protocol": "https",
		"host": "api|alteg|io", "path": "api|v1|records|123",
		"mode": "raw", "body": `{"login":"me@example.com","password":"{{password}}"}`, "language": "json",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("request (-want +got):\n%s", d)
	}
	if q := r.URL.Query; len(q) != 3 || q[0].Key != "x" || *q[0].Value != "<b>" || q[1].Value != nil || *q[2].Value != "{{secret_1}}" {
		t.Errorf("query = %+v", q)
	}
	var keys []string
	for _, v := range doc.Variable {
		keys = append(keys, v.Key)
		if v.Value != "" || v.Description == "" || v.Type != "string" {
			t.Errorf("variable %+v: want an empty string value and a description", v)
		}
	}
	if d := cmp.Diff([]string{"partner_token", "user_token", "password", "secret_1"}, keys); d != "" {
		t.Errorf("variables (-want +got):\n%s", d)
	}
}

func TestParseURL(t *testing.T) {
	s := func(v string) *string { return &v }
	tests := map[string]URL{
		"http://127.0.0.1:8080/": {Raw: "http://127.0.0.1:8080/", Protocol: "http", Host: []string{"127", "0", "0", "1"}, Port: "8080", Path: []string{""}},
		"https://[::1]:443/a/b/?q=1&r=": {Raw: "https://[::1]:443/a/b/?q=1&r=", Protocol: "https", Host: []string{"[::1]"}, Port: "443",
			Path: []string{"a", "b", ""}, Query: []Query{{"q", s("1")}, {"r", s("")}}},
		"https://api.alteg.io": {Raw: "https://api.alteg.io", Protocol: "https", Host: []string{"api", "alteg", "io"}},
		"https://h/Иван {{x}}/b#frag": {Raw: "https://h/Иван {{x}}/b#frag", Protocol: "https", Host: []string{"h"},
			Path: []string{"%D0%98%D0%B2%D0%B0%D0%BD%20{{x}}", "b"}},
		"https://h/a%2Fb": {Raw: "https://h/a%2Fb", Protocol: "https", Host: []string{"h"}, Path: []string{"a%2Fb"}},
	}
	for in, want := range tests {
		if d := cmp.Diff(want, parseURL(in)); d != "" {
			t.Errorf("parseURL(%q) (-want +got):\n%s", in, d)
		}
	}
}

func TestBinaryBodyIsAFile(t *testing.T) {
	ex := sample("https://api.alteg.io")
	ex.Hops[0].Request.Body = capture.Body{Data: []byte{0, 1, 2}, Size: 3, Binary: true, ContentType: "application/octet-stream"}
	f := Build(ex, nil, Info{BodyFile: "request-body.bin"})
	b := f.Item[0].Request.Body
	if b == nil || b.Mode != "file" || b.File == nil || b.File.Src != "request-body.bin" {
		t.Errorf("body = %+v, want mode file from request-body.bin", b)
	}
}

// TestCollectionRunsInNewman runs the collection with newman, when it is
// installed, against a loopback server and checks what arrived. Install it
// with npm (npm i -g newman) to run this test; it is skipped otherwise.
func TestCollectionRunsInNewman(t *testing.T) {
	newman, err := exec.LookPath("newman")
	if err != nil {
		t.Skip("newman is not installed (npm i -g newman); the collection structure is checked by TestCollectionStructure")
	}
	type seen struct {
		method, uri string
		header      http.Header
		body        string
	}
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.RequestURI, r.Header.Clone(), string(b)}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	path := filepath.Join(t.TempDir(), "postman_collection.json")
	os.WriteFile(path, Collection(sample(srv.URL), vars, Info{Name: "t"}), 0o600)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, newman, "run", path,
		"--env-var", "partner_token=PT-1", "--env-var", "user_token=UT-2",
		"--env-var", `password=p'a$s"w`, "--env-var", "secret_1=S1").CombinedOutput()
	if err != nil {
		t.Fatalf("newman: %v\n%s", err, out)
	}
	s := <-got
	want := seen{"POST", "/api/v1/records/123?x=<b>&flag&sign=S1", http.Header{
		"Accept":         {"application/vnd.api.v2+json"},
		"Authorization":  {"Bearer PT-1, User UT-2"},
		"Content-Type":   {"application/json"},
		"User-Agent":     {"altegio-ticket/dev"},
		"Content-Length": {"47"},
	}, `{"login":"me@example.com","password":"p'a$s"w"}`}
	if d := cmp.Diff(want, s, cmp.AllowUnexported(seen{})); d != "" {
		t.Errorf("newman sent (-want +got):\n%s", d)
	}
}

func TestBehaviour(t *testing.T) {
	ex := sample("https://api.alteg.io")
	ex.Hops[0].Request.Method = "GET"
	ex.Insecure = true
	f := Build(ex, nil, Info{})
	if b := f.Item[0].Behavior; b == nil || !b.DisableBodyPruning {
		t.Errorf("a GET with a body must keep it: item behaviour %+v", b)
	}
	if s := f.Behavior.StrictSSL; s == nil || *s {
		t.Errorf("an insecure call must not verify TLS in Postman either: strictSSL %v", s)
	}
	if !f.Behavior.DisableURLEncoding || !f.Behavior.DisabledSystemHeaders["user-agent"] || !f.Behavior.DisabledSystemHeaders["postman-token"] {
		t.Errorf("Postman's own headers and URL encoding are not switched off: %+v", f.Behavior)
	}
}
