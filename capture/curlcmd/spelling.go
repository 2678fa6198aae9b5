package curlcmd

import (
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// This file reads option words the way curl 7.88's parser does
// (getparameter in src/tool_getparam.c), before pflag sees them:
//
//   - a long name may be shortened to any prefix that only one option
//     starts with (--sil is --silent), and case does not matter;
//   - --no-NAME turns off a boolean option (--no-location); it takes the
//     whole name, since curl compares the prefix with the "no-" counted
//     in its length, and only options curl marks boolean take it;
//   - --NAME=VALUE is not a spelling curl knows: it reads the whole word
//     as an option name, finds none, and stops with "is unknown";
//   - "--" ends the options, and every word after it is a URL.
//
// Normalize rewrites every option to its full name (--silent, --data=VALUE,
// --location=false) so that pflag, which knows none of these rules, reads
// it; and it collects every option that cannot be used, so that a command
// is refused once, with all of them, rather than once per option.

// OptionProblem is one option of a command line that cannot be used.
type OptionProblem struct {
	// Option is the option as it was written, e.g. "--digest" or "-F".
	Option string
	// Why completes "the curl command uses OPTION, which ...": curl's
	// reason, or altegio-ticket's and what to do instead.
	Why string
	// Unknown is true for an option curl does not have at all.
	Unknown bool
}

// OptionError lists every option of a command line that cannot be used.
type OptionError struct {
	Problems []OptionProblem
}

func (e *OptionError) Error() string { return e.Message("the curl command") }

// Message words the error for a command line the caller names ("the
// curl command", "the command line").
func (e *OptionError) Message(subject string) string {
	if len(e.Problems) == 1 {
		p := e.Problems[0]
		return fmt.Sprintf("%s uses %s, which %s", subject, printable(p.Option), p.Why)
	}
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = fmt.Sprintf("%s, which %s", printable(p.Option), p.Why)
	}
	return fmt.Sprintf("%s uses %d options that cannot be used: %s", subject, len(e.Problems), strings.Join(parts, "; "))
}

// Reasons, worded to follow "which".
const (
	whyUnknown      = "curl does not have (curl stops with \"is unknown\"); remove it"
	whyEquals       = "curl does not read: it takes no --name=value, only --name value (curl stops with \"is unknown\")"
	whyNoNotBool    = "curl refuses: --no- goes only before an on/off option (curl: \"used '--no-' for option that isn't a boolean\")"
	whyNoPrefix     = "curl refuses: this option cannot be turned off with --no- (curl: \"the given option can't be reversed with a --no- prefix\")"
	whyUnsupported  = "altegio-ticket does not support: it changes how curl sends the request in a way the replay cannot reproduce; remove it"
	whyNotAnOption  = "is not an option: a lone - is read by curl as an unknown option; remove it"
	shortUnknownFmt = "curl does not have (curl stops with \"is unknown\"); remove it (-%s is not -%s%s)"
)

// curlOption marks the pflag values that Register binds, so that Normalize
// can tell curl's options from a program's own flags on the same set.
type curlOption interface{ curlOption() }

func (*strValue) curlOption()   {}
func (*listValue) curlOption()  {}
func (*boolValue) curlOption()  {}
func (*floatValue) curlOption() {}
func (*intValue) curlOption()   {}
func (*dataValue) curlOption()  {}
func (*otherValue) curlOption() {}

// since788 holds the names in curlNames that curl 7.88.1 does not have on
// Linux: options of later curls (and wdebug, built only for Watt-32).
// They are taken only when written in full, so that they never make a
// prefix ambiguous that 7.88.1 reads.
var since788 = map[string]bool{
	"ca-native": true, "dump-ca-embed": true, "ech": true, "follow": true, "haproxy-clientip": true,
	"httpsig-algo": true, "httpsig-headers": true, "httpsig-key": true, "httpsig-keyid": true,
	"ip-tos": true, "ipfs-gateway": true, "keepalive-cnt": true, "knownhosts": true, "mptcp": true,
	"out-null": true, "parallel-max-host": true, "proxy-ca-native": true, "proxy-http2": true,
	"proxy-http3": true, "show-headers": true, "sigalgs": true, "skip-existing": true,
	"ssl-sessions": true, "test-duphandle": true, "tls-earlydata": true, "trace-config": true,
	"trace-ids": true, "upload-flags": true, "variable": true, "vlan-priority": true, "wdebug": true,
}

// inertOptions are curl options that do nothing to an HTTP(S) request:
// they belong to other protocols (FTP, SMTP, TFTP, SSH, TELNET) or do
// nothing in curl 7.88. Normalize drops them, and their value.
var inertOptions = map[string]bool{
	"ftp-account": true, "ftp-alternative-to-user": true, "ftp-create-dirs": true, "ftp-method": true,
	"ftp-pasv": true, "ftp-port": true, "ftp-pret": true, "ftp-skip-pasv-ip": true, "ftp-ssl": true,
	"ftp-ssl-ccc": true, "ftp-ssl-ccc-mode": true, "ftp-ssl-control": true, "ftp-ssl-reqd": true,
	"disable-eprt": true, "disable-epsv": true, "eprt": true, "epsv": true, "list-only": true,
	"use-ascii": true, "append": true, "quote": true, "krb": true, "krb4": true,
	"mail-auth": true, "mail-from": true, "mail-rcpt": true, "mail-rcpt-allowfails": true,
	"sasl-authzid": true, "sasl-ir": true, "tftp-blksize": true, "tftp-no-options": true,
	"telnet-option": true, "pubkey": true, "hostpubmd5": true, "hostpubsha256": true,
	"knownhosts": true, "compressed-ssh": true, "random-file": true, "egd-file": true,
	"metalink": true, "wdebug": true, "test-event": true, "test-duphandle": true, "trace-ids": true,
	"ignore-content-length": true, "socks5-gssapi": true, "socks5-gssapi-nec": true,
	"socks5-gssapi-service": true, "service-name": true, "proxy-service-name": true,
	"buffer": true, "progress-meter": true, "sessionid": true, "alpn": true, "npn": true,
	"clobber": true, "out-null": true, "dump-ca-embed": true,
}

// curlName looks a name up in curlNames, case-insensitively.
func lookupCurlName(name string) (curlName, bool) {
	lower := strings.ToLower(name)
	i := sort.Search(len(curlNames), func(i int) bool { return curlNames[i].long >= lower })
	if i < len(curlNames) && curlNames[i].long == lower {
		return curlNames[i], true
	}
	return curlName{}, false
}

func curlShortName(letter string) (curlName, bool) {
	for _, n := range curlNames {
		if n.short == letter && !since788[n.long] {
			return n, true
		}
	}
	return curlName{}, false
}

// Normalize rewrites args, a command line of curl's options (and of the
// program's own flags, when fs has them), for pflag: each option as
// --fullname, --fullname=VALUE or --fullname=false, resolved with curl's
// rules described above; a program's own flag written --name=value is
// kept as it is. Options that do nothing for HTTP are dropped. Every
// option that cannot be used (unknown to curl, ambiguous, misspelt as
// curl would refuse it, or refused by Register's table) is returned in
// one *OptionError; the other words are returned either way.
func Normalize(fs *pflag.FlagSet, args []string) ([]string, error) {
	n := normalizer{fs: fs}
	n.run(args)
	if len(n.problems) > 0 {
		return n.out, &OptionError{Problems: n.problems}
	}
	return n.out, nil
}

type normalizer struct {
	fs       *pflag.FlagSet
	out      []string
	problems []OptionProblem
}

func (n *normalizer) problem(option, why string) {
	n.problems = append(n.problems, OptionProblem{Option: option, Why: why, Unknown: why == whyUnknown || strings.HasPrefix(why, "curl does not have")})
}

func (n *normalizer) run(args []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			n.out = append(n.out, args[i:]...)
			return
		case a == "-":
			n.problem(a, whyNotAnOption)
		case strings.HasPrefix(a, "--"):
			i += n.long(a, args[i+1:])
		case strings.HasPrefix(a, "-"):
			i += n.short(a, args[i+1:])
		default:
			n.out = append(n.out, a)
		}
	}
}

// isCurl reports whether fl is one of curl's options rather than a flag
// of the program.
func isCurlFlag(fl *pflag.Flag) bool {
	_, ok := fl.Value.(curlOption)
	return ok
}

func takesValue(fl *pflag.Flag) bool { return fl.NoOptDefVal == "" }

// long reads one --option word; rest are the words after it. It returns
// how many of them it used.
func (n *normalizer) long(a string, rest []string) int {
	word := a[2:]
	if strings.HasPrefix(word, "-") {
		n.out = append(n.out, a) // not an option at all: pflag says so
		return 0
	}
	if name, _, ok := strings.Cut(word, "="); ok {
		if fl := n.fs.Lookup(name); fl != nil && !isCurlFlag(fl) {
			n.out = append(n.out, a) // the program's own --flag=value
			return 0
		}
		// The value may be a password or a token (--user=me:secret):
		// a problem names the option only, never what follows the =.
		shown := "--" + name + "=…"
		if known, _ := n.resolve(name); known != "" {
			n.problem(shown, fmt.Sprintf("%s; write %s %s", whyEquals, "--"+known, "VALUE"))
			return 0
		}
		n.problem(shown, whyUnknown)
		return 0
	}
	off := false
	name, full := n.resolve(word)
	if name == "" {
		// curl reads --no-NAME as NAME turned off, with NAME in full.
		if rest, ok := cutPrefixFold(word, "no-"); ok {
			if cn, found := lookupCurlName(rest); found {
				switch cn.kind {
				case 'b':
					name, off = cn.long, true
				case 'n':
					n.problem(a, whyNoPrefix)
					return 0
				default:
					n.problem(a, whyNoNotBool)
					return 0
				}
			}
		}
	}
	if name == "" {
		switch {
		case full != "": // several options start with it
			n.problem(a, full)
		default:
			n.problem(a, whyUnknown)
		}
		return 0
	}
	return n.emit(a, name, off, "", false, rest)
}

// short reads one -abc word: letters of options without a value, and at
// most one option that takes a value, written after it or as the next
// word.
func (n *normalizer) short(a string, rest []string) int {
	for j := 1; j < len(a); j++ {
		letter := a[j : j+1]
		inline := a[j+1:]
		name := ""
		if fl := n.fs.ShorthandLookup(letter); fl != nil {
			name = fl.Name
		} else if cn, ok := curlShortName(letter); ok {
			name = cn.long
		} else {
			why := whyUnknown
			if j > 1 {
				why = fmt.Sprintf(shortUnknownFmt, letter, a[1:j], "")
			}
			n.problem("-"+letter, why)
			return 0
		}
		used, tookRest := n.emitShort("-"+letter, name, inline, rest)
		if tookRest {
			return used
		}
	}
	return 0
}

func (n *normalizer) emitShort(written, name, inline string, rest []string) (used int, tookRest bool) {
	fl := n.fs.Lookup(name)
	valued := false
	if fl != nil {
		valued = takesValue(fl)
	} else if cn, ok := lookupCurlName(name); ok {
		valued = cn.kind == 's'
	}
	if !valued {
		n.emit(written, name, false, "", false, nil)
		return 0, false
	}
	if inline != "" {
		n.emit(written, name, false, inline, true, nil)
		return 0, true
	}
	return n.emit(written, name, false, "", false, rest), true
}

// emit writes option name (its full long name) for pflag, with its value
// (inline, or the next word of rest), and returns how many words of rest
// it used.
func (n *normalizer) emit(written, name string, off bool, inline string, hasInline bool, rest []string) int {
	fl := n.fs.Lookup(name)
	if fl == nil {
		// Known to curl but not bound here: inert, or refused.
		used := 0
		if cn, ok := lookupCurlName(name); ok && cn.kind == 's' && !hasInline && len(rest) > 0 {
			used = 1
		}
		if !inertOptions[name] {
			n.problem(spell(written, name), whyUnsupported)
		}
		return used
	}
	if ov, ok := fl.Value.(*otherValue); ok && ov.o.why != "" && !off {
		n.problem(spell(written, name), ov.o.why)
	}
	switch {
	case off:
		n.out = append(n.out, "--"+name+"=false")
		return 0
	case !takesValue(fl):
		n.out = append(n.out, "--"+name)
		return 0
	case hasInline:
		n.out = append(n.out, "--"+name+"="+inline)
		return 0
	case len(rest) > 0:
		n.out = append(n.out, "--"+name+"="+rest[0])
		return 1
	}
	n.out = append(n.out, "--"+name) // pflag says it needs a value
	return 0
}

// spell names an option for a message: as written, with its full name
// when that was shortened.
func spell(written, name string) string {
	if written == "--"+name {
		return written
	}
	if strings.HasPrefix(written, "-") && !strings.HasPrefix(written, "--") {
		return written + "/--" + name
	}
	return written + " (--" + name + ")"
}

// resolve finds the option a long name (without its dashes) stands for:
// a name written in full (any case), or the only one it starts. When
// several start with it, ambiguous says which.
func (n *normalizer) resolve(word string) (name, ambiguous string) {
	if word == "" {
		return "", ""
	}
	if fl := n.fs.Lookup(word); fl != nil {
		return fl.Name, ""
	}
	if cn, ok := lookupCurlName(word); ok {
		return cn.long, ""
	}
	lower := strings.ToLower(word)
	var hits []string
	seen := map[string]bool{}
	add := func(name string) {
		if !seen[name] && strings.HasPrefix(strings.ToLower(name), lower) {
			seen[name] = true
			hits = append(hits, name)
		}
	}
	for _, cn := range curlNames {
		if !since788[cn.long] {
			add(cn.long)
		}
	}
	n.fs.VisitAll(func(fl *pflag.Flag) {
		if !isCurlFlag(fl) {
			add(fl.Name)
		} else if _, ok := lookupCurlName(fl.Name); !ok && !strings.HasPrefix(fl.Name, "no-") {
			add(fl.Name)
		}
	})
	switch len(hits) {
	case 0:
		return "", ""
	case 1:
		return hits[0], ""
	}
	sort.Strings(hits)
	shown := hits
	if len(shown) > 4 {
		shown = append(append([]string{}, shown[:4]...), "…")
	}
	return "", fmt.Sprintf("curl cannot tell from the options that start so (--%s); write the whole name (curl stops with \"is ambiguous\")", strings.Join(shown, ", --"))
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}
