// Package redact owns the third stage of a ticket: it finds every secret in
// a captured Exchange and replaces each one, everywhere it occurs, with a
// stable placeholder named by its role ({{partner_token}}, {{user_token}},
// ...).
//
// Scrub takes the Exchange as capture recorded it and a Policy, and returns
// the redacted Exchange together with the list of secrets found. The list
// still holds the values, in memory only: the report prints the values of
// the two Alteg.io tokens that support asks for (Secret.Shareable) and
// nothing else. Result also redacts any later text derived from the
// exchange, so that no output can carry a secret the exchange held.
//
// This package also knows where Alteg.io puts its tokens: the
// Authorization header grammar "Bearer <partner>, User <user>"
// (ParseAuthorization).
package redact

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/altegio/altegio-ticket/capture"
)

// Roles of the secrets this package names. Other secrets are numbered:
// secret_1, secret_2, ...
const (
	RolePartnerToken = "partner_token"
	RoleUserToken    = "user_token"
)

// Policy says what to treat as a secret beyond what Scrub finds itself.
type Policy struct{}

// Secret is one secret value found in the exchange.
type Secret struct {
	// Role names what the secret is, e.g. "partner_token".
	Role string
	// Placeholder replaces the value everywhere, e.g. "{{partner_token}}".
	Placeholder string
	// Value is the secret itself. It is held in memory only; the report
	// prints it only when Shareable.
	Value string
	// Fingerprint is the first 12 hex digits of the value's SHA-256, so
	// that support can match a value without seeing it.
	Fingerprint string
	// Found lists where the secret was detected, e.g. "header
	// Authorization".
	Found []string
	// Replaced counts the replacements made across the exchange.
	Replaced int
}

// Shareable reports whether the value may appear in the ticket: only the
// partner token and the user token, which the support desk asks for.
func (s Secret) Shareable() bool {
	return s.Role == RolePartnerToken || s.Role == RoleUserToken
}

// Fingerprint returns the first 12 hex digits of the SHA-256 of v.
func Fingerprint(v string) string {
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])[:12]
}

// Result is a redacted exchange and the secrets that were taken out of it.
type Result struct {
	Exchange capture.Exchange
	Secrets  []Secret
	rep      *replacer
}

// Bytes returns b with every form of every secret replaced by its
// placeholder. b is not modified.
func (r *Result) Bytes(b []byte) []byte { return r.rep.bytes(b) }

// String is Bytes for strings.
func (r *Result) String(s string) string { return r.rep.str(s) }

// Scrub finds the secrets in ex and returns a redacted copy; ex itself is
// not modified.
func Scrub(ex *capture.Exchange, p Policy) *Result {
	d := &detector{}
	d.exchange(ex)
	rep := newReplacer(d.secrets)
	out := rep.exchange(ex)
	secrets := make([]Secret, len(d.secrets))
	for i, s := range d.secrets {
		s.Replaced = rep.counts[i]
		secrets[i] = *s
	}
	rep.counts = make([]int, len(secrets)) // later calls do not count
	return &Result{Exchange: out, Secrets: secrets, rep: rep}
}

// detector finds secrets and gives each a role and placeholder.
type detector struct {
	secrets []*Secret
	others  int
}

func (d *detector) exchange(ex *capture.Exchange) {
	for _, h := range ex.Hops {
		for _, f := range h.Request.Header {
			if strings.EqualFold(f.Name, "Authorization") {
				for _, c := range ParseAuthorization(f.Value) {
					d.add(c.Role, c.Token, "header Authorization")
				}
			}
		}
	}
}

// add records value under role ("" for a numbered secret). A value already
// known keeps its first role and gains a place.
func (d *detector) add(role, value, where string) {
	if value == "" {
		return
	}
	for _, s := range d.secrets {
		if s.Value == value {
			if !contains(s.Found, where) {
				s.Found = append(s.Found, where)
			}
			return
		}
	}
	if role == "" {
		d.others++
		role = "secret_" + strconv.Itoa(d.others)
	}
	d.secrets = append(d.secrets, &Secret{
		Role:        role,
		Placeholder: "{{" + role + "}}",
		Value:       value,
		Fingerprint: Fingerprint(value),
		Found:       []string{where},
	})
}

// replacer replaces every known form of every secret.
type replacer struct {
	forms  []form // longest first, so a longer form wins over its prefix
	counts []int  // replacements per secret
}

type form struct {
	text   []byte
	secret int
	ph     []byte
}

func newReplacer(secrets []*Secret) *replacer {
	r := &replacer{counts: make([]int, len(secrets))}
	for i, s := range secrets {
		for _, f := range encodings(s.Value) {
			r.forms = append(r.forms, form{text: []byte(f), secret: i, ph: []byte(s.Placeholder)})
		}
	}
	sort.SliceStable(r.forms, func(a, b int) bool { return len(r.forms[a].text) > len(r.forms[b].text) })
	return r
}

// encodings lists the forms a value can take in the exchange.
func encodings(v string) []string {
	out := []string{v}
	for _, e := range []string{url.QueryEscape(v), url.PathEscape(v)} {
		if !contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

func (r *replacer) bytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	for _, f := range r.forms {
		if n := bytes.Count(b, f.text); n > 0 {
			r.counts[f.secret] += n
			b = bytes.ReplaceAll(b, f.text, f.ph)
		}
	}
	return b
}

func (r *replacer) str(s string) string {
	if s == "" {
		return s
	}
	return string(r.bytes([]byte(s)))
}

func (r *replacer) headers(h capture.Headers) capture.Headers {
	out := h.Clone()
	for i := range out {
		out[i].Name = r.str(out[i].Name)
		out[i].Value = r.str(out[i].Value)
	}
	return out
}

func (r *replacer) body(b capture.Body) capture.Body {
	b.Data = r.bytes(b.Data)
	b.UTF8 = r.bytes(b.UTF8)
	b.Broken = r.str(b.Broken)
	b.ContentType = r.str(b.ContentType)
	return b
}

// exchange returns a redacted deep copy of ex. Every string the report can
// show passes through here.
func (r *replacer) exchange(ex *capture.Exchange) capture.Exchange {
	out := *ex
	out.Source.From = r.str(ex.Source.From)
	out.Proxy = r.str(ex.Proxy)
	if ex.Fault != nil {
		f := *ex.Fault
		f.Message, f.Detail = r.str(f.Message), r.str(f.Detail)
		out.Fault = &f
	}
	out.Hops = make([]capture.Hop, len(ex.Hops))
	for i, h := range ex.Hops {
		h.Request.URL = r.str(h.Request.URL)
		h.Request.Header = r.headers(h.Request.Header)
		h.Request.Body = r.body(h.Request.Body)
		if h.Response != nil {
			resp := *h.Response
			resp.StatusText = r.str(resp.StatusText)
			resp.Header = r.headers(resp.Header)
			resp.Body = r.body(resp.Body)
			h.Response = &resp
		}
		if h.TLS != nil {
			t := *h.TLS
			t.VerifyError = r.str(t.VerifyError)
			t.ServerName = r.str(t.ServerName)
			t.Chain = append([]capture.Cert(nil), t.Chain...)
			for j := range t.Chain {
				c := &t.Chain[j]
				c.Subject, c.Issuer = r.str(c.Subject), r.str(c.Issuer)
				c.Names = append([]string(nil), c.Names...)
				for k := range c.Names {
					c.Names[k] = r.str(c.Names[k])
				}
			}
			h.TLS = &t
		}
		out.Hops[i] = h
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
