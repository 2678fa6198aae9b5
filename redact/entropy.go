package redact

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Searchable reports whether a secret's value can be searched for in
// every byte of the ticket without hitting ordinary text: it is at least
// MinLiteral bytes long and not common. Common values are:
//
//   - numbers, dates, times, versions, addresses and phone numbers: only
//     digits and . , : / + - _ ( ) and spaces, with fewer than 12 digits
//     ("200", "123456", "2026-11-29", "10.0.0.1", "+7 916 123-45-67");
//     a ticket is full of numbers, and its JSON files too;
//   - one word: only letters, fewer than 10, in one case or capitalised
//     ("secret", "Hunter", "TRUE"); a ticket is full of words;
//   - words of HTTP and of the ticket itself ("application/json",
//     "keep-alive", "localhost", "undefined").
//
// A value that is not searchable is replaced only where it stands under
// a name it was found under (its header, its field, its cookie, after
// its Authorization scheme, as the password of user:pass@), in the
// exchange, and never searched for in the report's text. A random value
// of 6 printable characters is searchable in all but a few cases in a
// thousand.
func Searchable(v string) bool {
	if len(v) < MinLiteral || strings.TrimSpace(v) == "" {
		return false
	}
	return !common(v)
}

func common(v string) bool {
	digits, numeric := 0, true
	letters, lower, upper := 0, 0, 0
	for _, r := range v {
		switch {
		case '0' <= r && r <= '9':
			digits++
		case strings.ContainsRune(".,:/+-_() ", r):
		default:
			numeric = false
		}
		if unicode.IsLetter(r) {
			letters++
			if unicode.IsUpper(r) {
				upper++
			} else {
				lower++
			}
		}
	}
	if numeric && digits < 12 {
		return true
	}
	n := utf8.RuneCountInString(v)
	if letters == n && n < 10 {
		first, _ := utf8.DecodeRuneInString(v)
		if upper == 0 || lower == 0 || upper == 1 && unicode.IsUpper(first) {
			return true
		}
	}
	return vocabulary[strings.ToLower(strings.TrimSpace(v))]
}

// vocabulary holds words of HTTP and of the ticket that are not single
// words of letters: searching for one would rewrite the ticket's own text.
var vocabulary = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range []string{
		"application/json", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data",
		"text/plain", "text/html", "charset=utf-8", "utf-8", "http/1.1", "http/2", "https://", "http://",
		"keep-alive", "no-cache", "no-store", "max-age=0", "gzip, deflate", "gzip, deflate, br", "identity",
		"content-type", "content-length", "user-agent", "x-requested-with", "xmlhttprequest", "x-partner-id",
		"localhost", "127.0.0.1", "example.com", "api.alteg.io", "alteg.io", "altegio", "altegio-ticket",
		"undefined", "[object object]", "nan", "infinity", "bearer", "{{password}}",
	} {
		m[w] = true
	}
	for code := 100; code < 600; code++ {
		if t := http.StatusText(code); t != "" {
			m[strings.ToLower(t)] = true
		}
	}
	return m
}()

// FingerprintBits is the least estimated entropy of a value that gets a
// fingerprint. A fingerprint is 48 bits of an unsalted SHA-256: for a
// value of fewer bits (a 6-digit SMS code has 20) anyone can try every
// value and find it; from 64 bits that is out of reach.
const FingerprintBits = 64

// EstimatedBits estimates the entropy of a value in bits, on the
// pessimistic side: its length times the bits of a character drawn from
// the smaller of the alphabet its character classes span (digits 10,
// lower-case 26, upper-case 26, ASCII punctuation 33, anything else 128)
// and twice the number of distinct characters it uses. "123456" is 20
// bits, "aaaaaaaaaaaaaaaa" 16, a 32-digit hex token about 150, a password
// of 12 random printable characters about 55.
func EstimatedBits(v string) float64 {
	var digit, lower, upperc, punct, other bool
	distinct := map[rune]bool{}
	n := 0
	for _, r := range v {
		n++
		distinct[r] = true
		switch {
		case '0' <= r && r <= '9':
			digit = true
		case 'a' <= r && r <= 'z':
			lower = true
		case 'A' <= r && r <= 'Z':
			upperc = true
		case r < utf8.RuneSelf:
			punct = true
		default:
			other = true
		}
	}
	alphabet := 0
	for _, c := range []struct {
		on   bool
		size int
	}{{digit, 10}, {lower, 26}, {upperc, 26}, {punct, 33}, {other, 128}} {
		if c.on {
			alphabet += c.size
		}
	}
	alphabet = min(alphabet, 2*len(distinct))
	if alphabet < 2 {
		return 0
	}
	return float64(n) * math.Log2(float64(alphabet))
}

// Fingerprint returns the first 12 hex digits of the SHA-256 of v, or ""
// when v has fewer than FingerprintBits estimated bits: an unsalted
// fingerprint of a short code or a common password gives the value away.
func Fingerprint(v string) string {
	if EstimatedBits(v) < FingerprintBits {
		return ""
	}
	sum := sha256.Sum256([]byte(v))
	return hex.EncodeToString(sum[:])[:12]
}
