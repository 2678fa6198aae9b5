package curlcmd

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// This file reads -b FILE as curl 7.88.1 does (lib/cookie.c): a cookie
// file in the Netscape format, one cookie a line, seven fields separated
// by tabs:
//
//	domain  include-subdomains  path  secure  expires  name  value
//
// Lines that start with # are comments, except "#HttpOnly_" in front of
// a domain, which marks an HttpOnly cookie. curl sends the cookies that
// match the URL: the domain (the host itself, or also its subdomains when
// the second field is TRUE), the path (the cookie's path, or a path under
// it), secure (only over https, or to localhost) and not expired; the
// longest paths first, then the longest domains, then the longest names,
// then in the order read.

// fileCookie is one cookie of a cookie file.
type fileCookie struct {
	domain     string
	subdomains bool
	path       string
	secure     bool
	expires    int64 // Unix seconds; 0 for a session cookie
	name       string
	value      string
	order      int
}

// readCookieFile reads a Netscape cookie file; lines it cannot read are
// skipped, as curl skips them. Cookies whose names start with __Secure-
// or __Host- follow curl's prefix rules.
func readCookieFile(text string) []fileCookie {
	var out []fileCookie
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimRight(line, "\r")
		if s, ok := strings.CutPrefix(line, "#HttpOnly_"); ok {
			line = s
		} else if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) == 6 {
			f = append(f, "") // curl takes a missing value as empty
		}
		if len(f) != 7 {
			continue
		}
		c := fileCookie{
			domain:     strings.ToLower(strings.TrimPrefix(f[0], ".")),
			subdomains: strings.EqualFold(f[1], "TRUE"),
			path:       f[2],
			secure:     strings.EqualFold(f[3], "TRUE"),
			name:       f[5],
			value:      f[6],
			order:      len(out),
		}
		if c.path == "" || c.path[0] != '/' {
			c.path = "/"
		}
		exp, err := strconv.ParseInt(f[4], 10, 64)
		if err != nil {
			continue
		}
		c.expires = exp
		if c.domain == "" || c.name == "" {
			continue
		}
		out = append(out, c)
	}
	return out
}

// matchCookies returns the cookies of a file curl sends to target, in
// curl's order, joined as curl joins them ("a=1; b=2").
func matchCookies(cookies []fileCookie, target string, now time.Time) string {
	u, err := url.Parse(target)
	if err != nil {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	secure := u.Scheme == "https" || host == "localhost" || host == "127.0.0.1" || host == "::1"
	var hits []fileCookie
	for _, c := range cookies {
		switch {
		case c.expires != 0 && c.expires < now.Unix():
		case c.secure && !secure:
		case !domainMatch(c, host):
		case !pathMatch(sanitizePath(c.path), path):
		default:
			hits = append(hits, c)
		}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if len(a.path) != len(b.path) {
			return len(a.path) > len(b.path)
		}
		if len(a.domain) != len(b.domain) {
			return len(a.domain) > len(b.domain)
		}
		if len(a.name) != len(b.name) {
			return len(a.name) > len(b.name)
		}
		return a.order < b.order
	})
	parts := make([]string, len(hits))
	for i, c := range hits {
		parts[i] = c.name + "=" + c.value
	}
	return strings.Join(parts, "; ")
}

func domainMatch(c fileCookie, host string) bool {
	if host == c.domain {
		return true
	}
	return c.subdomains && strings.HasSuffix(host, "."+c.domain)
}

// sanitizePath drops a trailing / from a cookie's path, as curl does
// before matching.
func sanitizePath(p string) string {
	if len(p) > 1 && strings.HasSuffix(p, "/") {
		return p[:len(p)-1]
	}
	return p
}

// pathMatch is RFC 6265's path-match, as lib/cookie.c does it.
func pathMatch(cookiePath, uriPath string) bool {
	if cookiePath == "/" || cookiePath == uriPath {
		return true
	}
	if !strings.HasPrefix(uriPath, cookiePath) {
		return false
	}
	return strings.HasSuffix(cookiePath, "/") || uriPath[len(cookiePath)] == '/'
}
