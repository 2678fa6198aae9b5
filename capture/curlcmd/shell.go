package curlcmd

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Split splits pasted command text into words the way the shell it was
// written for would. Two dialects are read:
//
//   - bash (what Chrome's "Copy as cURL (bash)", Firefox and Postman
//     write): single and double quotes, $'...' ANSI-C strings, backslash
//     escapes and backslash-newline continuations, $NAME and ${NAME}
//     (looked up with getenv; an unset variable is an error), # comments;
//   - Windows cmd.exe (Chrome's "Copy as cURL (cmd)"), chosen when the
//     text holds ^" or a line ending in ^: cmd.exe's ^ escapes and
//     continuations first, then the quoting rules of the Microsoft C
//     runtime that curl.exe reads its arguments with.
//
// CRLF line ends are read as LF first, everywhere (a command saved on
// Windows reads as it would on Linux). A newline that is not escaped is
// read as a space, so that a command
// whose continuation backslashes were lost still reads as one. What
// follows a |, ;, && or & is another command: it is left out, and a note
// says so; an output redirection is left out the same way. Split never
// runs anything: command substitution is an error.
//
// notes are plain sentences for the user; they never quote the text.
func Split(text string, getenv func(string) string) (words, notes []string, err error) {
	line, err := SplitCommand(text, getenv)
	return line.Words, line.Notes, err
}

// Line is a pasted command split into words, with what the shell would
// feed its standard input.
type Line struct {
	Words []string
	// Notes are plain sentences for the user; they never quote the text.
	Notes []string
	// Stdin is set when the command's input is redirected.
	Stdin *Stdin
}

// Stdin is what a pasted command feeds curl's standard input, which
// curl reads for @- (-d @-, --data-binary @-, -T -, -F name=@-): a
// here-string (<<< word), a heredoc (<<EOF ... EOF, also <<-EOF and a
// quoted delimiter, which turns expansion off), a file (< FILE, read by
// Build), or the output of echo, printf or cat in front of a pipe.
type Stdin struct {
	Data []byte
	// File is the file of a < redirection; Data is then empty.
	File string
	// From says where the input came from, for notes: "a here-string
	// (<<<)", "a heredoc (<<EOF)", "a file (<)", "echo |".
	From string
}

// SplitCommand is Split, keeping what the command feeds its standard
// input. Only the last redirection of stdin counts, as in bash.
func SplitCommand(text string, getenv func(string) string) (Line, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	if isPowerShell(text) {
		words, notes, err := splitPowerShell(text, getenv)
		return Line{Words: words, Notes: notes}, err
	}
	if isCmd(text) {
		words, notes, err := splitCmd(text)
		return Line{Words: words, Notes: notes}, err
	}
	l := &posixLexer{s: text, getenv: getenv}
	if err := l.run(); err != nil {
		return Line{}, err
	}
	return Line{Words: l.words, Notes: l.notes, Stdin: l.stdin}, nil
}

var (
	cmdContinuation  = regexp.MustCompile(`[ \t]\^[ \t]*(\n|$)`)
	bashContinuation = regexp.MustCompile(`[ \t]\\[ \t]*\n`)
)

// isCmd reports whether text was written for cmd.exe: only there does a
// caret escape the next character, and Chrome's cmd export quotes every
// argument with ^"...^" and continues lines with ^. Text that continues
// lines with a backslash is bash, whatever its values hold; so is text
// with a double quote that no caret escapes, which Chrome's export never
// writes, or with ^" only inside words (a bash value such as -d 'a^"b').
//
// Text without carets is cmd.exe's too when it doubles quotes inside a
// double-quoted word ("{""a"":1}", Firefox's "Copy as cURL (Windows)"
// and hand-written Windows commands), which bash reads as empty strings
// that no one writes, or when it calls curl.exe with double quotes only.
func isCmd(text string) bool {
	if bashContinuation.MatchString(text) {
		return false
	}
	if cmdContinuation.MatchString(text) || (cmdWord.MatchString(text) && everyQuoteEscaped(text)) {
		return true
	}
	if doubledQuote.MatchString(text) {
		return true
	}
	return curlExe.MatchString(text) && !strings.ContainsAny(text, "'$\\`")
}

var (
	// doubledQuote is "" between two characters of a value, as in
	// "{""a"":""b""}".
	doubledQuote = regexp.MustCompile(`[^\s=\\]""[^\s]`)
	curlExe      = regexp.MustCompile(`(?i)^\s*curl\.exe\s`)
)

// cmdWord is a word that starts with ^", as each of Chrome's does.
var cmdWord = regexp.MustCompile(`(^|[ \t])\^"`)

// everyQuoteEscaped reports whether each double quote in text follows a
// caret, as in Chrome's cmd.exe export.
func everyQuoteEscaped(text string) bool {
	for i := 0; i < len(text); i++ {
		if text[i] == '"' && (i == 0 || text[i-1] != '^') {
			return false
		}
	}
	return true
}

// posixLexer splits text as bash does, without running anything.
type posixLexer struct {
	s      string
	i      int
	getenv func(string) string

	w        strings.Builder
	inWord   bool
	dropNext bool // the next word is a redirection target
	// nextIsInput says what the next word is: the text of a here-string
	// ("<<<") or the file of an input redirection ("<").
	nextIsInput string
	words       []string
	notes       []string
	stdin       *Stdin
	// heredocs wait for the end of the line, where their bodies start.
	heredocs []heredoc
}

// heredoc is a << redirection whose body has not been read yet.
type heredoc struct {
	delim string
	tabs  bool // <<-: leading tabs are stripped
	raw   bool // the delimiter was quoted: no expansion in the body
	op    string
}

func (l *posixLexer) flush() {
	if !l.inWord {
		return
	}
	switch {
	case l.nextIsInput == "<<<":
		l.stdin = &Stdin{Data: []byte(l.w.String() + "\n"), From: "a here-string (<<<)"}
		l.nextIsInput = ""
	case l.nextIsInput == "<":
		l.stdin = &Stdin{File: l.w.String(), From: "a file (<)"}
		l.nextIsInput = ""
	case l.dropNext:
		l.dropNext = false
	default:
		l.words = append(l.words, l.w.String())
	}
	l.w.Reset()
	l.inWord = false
}

func (l *posixLexer) peek(k int) byte {
	if l.i+k < len(l.s) {
		return l.s[l.i+k]
	}
	return 0
}

func (l *posixLexer) run() error {
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case c == '\n' && len(l.heredocs) > 0:
			l.flush()
			l.i++
			if err := l.heredocBodies(); err != nil {
				return err
			}
			if strings.TrimSpace(l.s[l.i:]) != "" {
				l.notes = append(l.notes, "left out what follows the heredoc in the pasted command: it is another command, not part of the curl call")
			}
			l.i = len(l.s)
		case c == '\n' && len(l.words) > 0 && nextCommandIsCurl(l.s[l.i:]):
			// A line that starts another curl command ends this one (a
			// script of several calls, or a command pasted twice).
			l.flush()
			l.notes = append(l.notes, "left out the next curl command in the pasted text: a ticket holds one call, the first")
			l.i = len(l.s)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			l.flush()
			l.i++
		case c == '\\':
			l.i++
			if l.i >= len(l.s) {
				l.w.WriteByte('\\')
				l.inWord = true
				continue
			}
			if l.s[l.i] == '\n' {
				l.i++ // a continuation joins the lines
				continue
			}
			l.w.WriteByte(l.s[l.i])
			l.inWord = true
			l.i++
		case c == '\'':
			end := strings.IndexByte(l.s[l.i+1:], '\'')
			if end < 0 {
				return l.errorf("unterminated ' quote starting at %s; close it with '", l.pos(l.i))
			}
			l.w.WriteString(l.s[l.i+1 : l.i+1+end])
			l.inWord = true
			l.i += end + 2
		case c == '"':
			l.inWord = true
			if err := l.double(); err != nil {
				return err
			}
		case c == '$':
			was, n := l.inWord, l.w.Len()
			l.inWord = true
			if err := l.dollar(false); err != nil {
				return err
			}
			if !was && l.w.Len() == n && l.i < len(l.s) && strings.IndexByte(" \t\n", l.s[l.i]) >= 0 {
				l.inWord = false // an unquoted expansion to nothing is no word
			}
		case c == '`':
			return l.errorf("the command runs another command with `...` at %s; run it yourself and paste its output", l.pos(l.i))
		case c == '#' && !l.inWord:
			end := strings.IndexByte(l.s[l.i:], '\n')
			if end < 0 {
				end = len(l.s) - l.i
			}
			l.i += end
		case c == '>' || c == '<' || (c == '&' && l.peek(1) == '>'):
			if err := l.redirect(); err != nil {
				return err
			}
		case c == '|' && l.peek(1) != '|' && l.peek(1) != '&' && l.producer():
			// echo ... | curl -d @- ...: the words so far made curl's input.
		case c == '|' || c == ';' || c == '&':
			l.flush()
			op := string(c)
			if n := l.peek(1); n == c || (c == '|' && n == '&') {
				op += string(n)
			}
			if strings.TrimSpace(l.s[l.i+len(op):]) != "" {
				l.notes = append(l.notes, fmt.Sprintf("left out what follows %q in the pasted command: it is another command, not part of the curl call", op))
			}
			l.i = len(l.s)
		case c == '(' || c == ')':
			return l.errorf("unexpected %q at %s; quote the argument that holds it", string(c), l.pos(l.i))
		case c == '~' && !l.inWord && (l.peek(1) == '/' || l.peek(1) == 0 || l.peek(1) == ' ' || l.peek(1) == '\n'):
			home := ""
			if l.getenv != nil {
				home = l.getenv("HOME")
			}
			if home == "" {
				home = "~"
			}
			l.w.WriteString(home)
			l.inWord = true
			l.i++
		default:
			l.w.WriteByte(c)
			l.inWord = true
			l.i++
		}
	}
	l.flush()
	return nil
}

// nextCommandIsCurl reports whether the text after a newline, past blank
// lines and # comment lines, starts with the word curl (or curl.exe).
func nextCommandIsCurl(rest string) bool {
	for _, line := range strings.Split(rest, "\n") {
		line = strings.TrimLeft(line, " \t\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, _, _ := strings.Cut(strings.ReplaceAll(line, "\t", " "), " ")
		return word == "curl" || word == "curl.exe"
	}
	return false
}

// redirect reads a redirection such as >out.json, 2>&1 or <body.json.
func (l *posixLexer) redirect() error {
	if l.inWord && isDigits(l.w.String()) {
		// "2>" redirects file descriptor 2: the digits are not a word.
		l.w.Reset()
		l.inWord = false
	}
	l.flush()
	start := l.i
	if l.s[l.i] == '&' {
		l.i++
	}
	if l.s[l.i] == '<' {
		return l.input(start)
	}
	l.i++ // '>'
	if n := l.peek(0); n == '>' || n == '&' || n == '|' {
		l.i++
	}
	l.notes = append(l.notes, "left out an output redirection (>) in the pasted command; the ticket records the response")
	l.dropNext = true
	return nil
}

// producer handles a pipe after echo, printf or cat, whose output
// becomes curl's input: it takes the words so far as that command, sets
// stdin from it and starts the curl command after the pipe. It reports
// false, changing nothing, when the words so far are not such a command.
func (l *posixLexer) producer() bool {
	l.flush()
	if len(l.words) == 0 {
		return false
	}
	in, ok := commandOutput(l.words)
	if !ok {
		return false
	}
	l.stdin, l.words = in, nil
	l.i++
	return true
}

// commandOutput is what echo, printf or cat with these words writes,
// when it can be known without running anything: echo [-n] WORDS,
// printf FORMAT (with no conversions but %%) or printf '%s' WORD, and
// cat FILE.
func commandOutput(words []string) (*Stdin, bool) {
	name, args := words[0], words[1:]
	switch name {
	case "echo":
		nl := "\n"
		if len(args) > 0 && args[0] == "-n" {
			nl, args = "", args[1:]
		}
		if len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
			return nil, false // -e, -E: escapes this reader does not apply
		}
		return &Stdin{Data: []byte(strings.Join(args, " ") + nl), From: "echo |"}, true
	case "printf":
		switch {
		case len(args) == 1 && !strings.Contains(strings.ReplaceAll(args[0], "%%", ""), "%"):
			out, ok := printfEscapes(args[0])
			return &Stdin{Data: []byte(out), From: "printf |"}, ok
		case len(args) == 2 && args[0] == "%s":
			return &Stdin{Data: []byte(args[1]), From: "printf |"}, true
		case len(args) == 2 && args[0] == "%s\\n":
			return &Stdin{Data: []byte(args[1] + "\n"), From: "printf |"}, true
		}
	case "cat":
		if len(args) == 1 && args[0] != "-" && !strings.HasPrefix(args[0], "-") {
			return &Stdin{File: args[0], From: "cat |"}, true
		}
	}
	return nil, false
}

// printfEscapes applies printf's backslash escapes and %% to a format
// that has no conversions; ok is false for an escape it does not know.
func printfEscapes(f string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(f); i++ {
		c := f[i]
		switch {
		case c == '%' && i+1 < len(f) && f[i+1] == '%':
			b.WriteByte('%')
			i++
		case c == '\\' && i+1 < len(f):
			i++
			switch f[i] {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\':
				b.WriteByte('\\')
			case '"', '\'':
				b.WriteByte(f[i])
			default:
				return "", false
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// input reads an input redirection: <<< word, <<DELIM (or <<-DELIM), or
// < FILE; l.i is at the first <.
func (l *posixLexer) input(start int) error {
	switch {
	case strings.HasPrefix(l.s[l.i:], "<<<"):
		l.i += 3
		l.nextIsInput = "<<<"
		return nil
	case strings.HasPrefix(l.s[l.i:], "<<"):
		l.i += 2
		h := heredoc{op: "<<"}
		if l.peek(0) == '-' {
			h.tabs, h.op = true, "<<-"
			l.i++
		}
		for l.peek(0) == ' ' || l.peek(0) == '\t' {
			l.i++
		}
		delim, raw, ok := l.delimiter()
		if !ok {
			return l.errorf("the heredoc at %s has no delimiter word after %s", l.pos(start), h.op)
		}
		h.delim, h.raw = delim, raw
		l.heredocs = append(l.heredocs, h)
		return nil
	case strings.HasPrefix(l.s[l.i:], "<&") || strings.HasPrefix(l.s[l.i:], "<>") || strings.HasPrefix(l.s[l.i:], "<("):
		return l.errorf("the command redirects its input in a way altegio-ticket does not read, at %s; give the body with -d @FILE instead", l.pos(start))
	}
	l.i++
	l.nextIsInput = "<"
	return nil
}

// delimiter reads a heredoc's delimiter word with bash's quote removal;
// raw is true when any part of it was quoted, which turns off expansion
// in the body.
func (l *posixLexer) delimiter() (delim string, raw, ok bool) {
	var b strings.Builder
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(l.s[l.i+1:], c)
			if end < 0 {
				return "", false, false
			}
			b.WriteString(l.s[l.i+1 : l.i+1+end])
			l.i += end + 2
			raw = true
		case c == '\\' && l.i+1 < len(l.s):
			b.WriteByte(l.s[l.i+1])
			l.i += 2
			raw = true
		case strings.IndexByte(" \t\n;&|<>()", c) >= 0:
			return b.String(), raw, b.Len() > 0 || raw
		default:
			b.WriteByte(c)
			l.i++
		}
	}
	return b.String(), raw, b.Len() > 0 || raw
}

// heredocBodies reads the bodies of the pending heredocs, one after the
// other, from l.i (the start of the line after the command); the last
// one is the command's input.
func (l *posixLexer) heredocBodies() error {
	for _, h := range l.heredocs {
		var body strings.Builder
		closed := false
		for l.i < len(l.s) {
			end := strings.IndexByte(l.s[l.i:], '\n')
			line := l.s[l.i:]
			next := len(l.s)
			if end >= 0 {
				line, next = l.s[l.i:l.i+end], l.i+end+1
			}
			if h.tabs {
				line = strings.TrimLeft(line, "\t")
			}
			l.i = next
			if line == h.delim {
				closed = true
				break
			}
			body.WriteString(line)
			body.WriteByte('\n')
		}
		if !closed {
			l.notes = append(l.notes, fmt.Sprintf("the heredoc (%s) has no line that closes it; its text runs to the end of the pasted command, as in bash", h.op))
		}
		text := body.String()
		if !h.raw {
			var err error
			if text, err = l.expandHeredoc(text); err != nil {
				return err
			}
		}
		l.stdin = &Stdin{Data: []byte(text), From: fmt.Sprintf("a heredoc (%s)", h.op)}
	}
	l.heredocs = nil
	return nil
}

// expandHeredoc expands an unquoted heredoc's body as bash does: $NAME
// and ${NAME}, and backslash before $, `, \ and a newline.
func (l *posixLexer) expandHeredoc(text string) (string, error) {
	if !strings.ContainsAny(text, "$`\\") {
		return text, nil
	}
	sub := &posixLexer{s: text, getenv: l.getenv}
	for sub.i < len(sub.s) {
		c := sub.s[sub.i]
		switch c {
		case '\\':
			switch n := sub.peek(1); n {
			case '$', '`', '\\':
				sub.w.WriteByte(n)
				sub.i += 2
			case '\n':
				sub.i += 2
			default:
				sub.w.WriteByte(c)
				sub.i++
			}
		case '$':
			if n := sub.peek(1); n == '\'' || n == '"' {
				sub.w.WriteByte(c) // no $'...' in a heredoc
				sub.i++
				continue
			}
			if err := sub.dollar(true); err != nil {
				return "", l.errorf("in the heredoc: %v", strings.TrimPrefix(err.Error(), "reading the pasted command as bash: "))
			}
		case '`':
			return "", l.errorf("the heredoc runs another command with `...`; run it yourself and paste its output")
		default:
			sub.w.WriteByte(c)
			sub.i++
		}
	}
	return sub.w.String(), nil
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// double reads a "..." string; l.i is at the opening quote.
func (l *posixLexer) double() error {
	start := l.i
	l.i++
	for l.i < len(l.s) {
		c := l.s[l.i]
		switch c {
		case '"':
			l.i++
			return nil
		case '\\':
			switch n := l.peek(1); n {
			case '$', '`', '"', '\\':
				l.w.WriteByte(n)
				l.i += 2
			case '\n':
				l.i += 2
			default:
				l.w.WriteByte('\\')
				l.i++
			}
		case '$':
			if err := l.dollar(true); err != nil {
				return err
			}
		case '`':
			return l.errorf("the command runs another command with `...` at %s; run it yourself and paste its output", l.pos(l.i))
		default:
			l.w.WriteByte(c)
			l.i++
		}
	}
	return l.errorf("unterminated \" quote starting at %s; close it with \"", l.pos(start))
}

// dollar reads what follows a $: an ANSI-C string, a variable, or a
// literal dollar sign.
func (l *posixLexer) dollar(inDouble bool) error {
	start := l.i
	n := l.peek(1)
	switch {
	case n == '\'' && !inDouble:
		return l.ansiC()
	case n == '"' && !inDouble:
		// $"..." is a translated string; without a translation it is "...".
		l.i++
		return l.double()
	case n == '(':
		return l.errorf("the command runs another command with $(...) at %s; run it yourself and paste its output", l.pos(start))
	case n == '{':
		end := strings.IndexByte(l.s[l.i:], '}')
		if end < 0 {
			return l.errorf("unterminated ${ at %s", l.pos(start))
		}
		inner := l.s[l.i+2 : l.i+end]
		if isName(inner) {
			l.i += end + 1
			return l.expand(inner)
		}
		if err := l.expandWithDefault(inner); err == errExpansion {
			return l.errorf("the command uses a ${...} expansion at %s that altegio-ticket does not evaluate; paste the value instead", l.pos(start))
		} else if err != nil {
			return l.errorf("%v", err)
		}
		l.i += end + 1
		return nil
	case isNameStart(n):
		j := l.i + 1
		for j < len(l.s) && isNameChar(l.s[j]) {
			j++
		}
		name := l.s[l.i+1 : j]
		l.i = j
		return l.expand(name)
	case n != 0 && strings.IndexByte("0123456789@*#?$!-", n) >= 0:
		return l.errorf("the command uses the shell parameter $%c at %s, which has no value here; paste the value instead", n, l.pos(start))
	}
	l.w.WriteByte('$')
	l.i++
	return nil
}

// errExpansion is expandWithDefault's answer to an expansion it does
// not evaluate.
var errExpansion = errors.New("an expansion that is not evaluated")

// expandWithDefault evaluates the ${NAME:-word} family as bash does,
// for a word without quotes or expansions of its own (what READMEs
// write: ${TOKEN:-abc}): :- and - use word when NAME is unset, := and =
// too, :+ and + use word when NAME is set, :? and ? are an error
// carrying word when NAME is unset. An empty variable counts as unset,
// as it does for $NAME here. Anything else is an error.
func (l *posixLexer) expandWithDefault(inner string) error {
	i := 0
	for i < len(inner) && isNameChar(inner[i]) {
		i++
	}
	name, rest := inner[:i], inner[i:]
	if !isName(name) {
		return errExpansion
	}
	op := strings.TrimPrefix(rest, ":")
	if op == "" || strings.IndexByte("-=+?", op[0]) < 0 {
		return errExpansion
	}
	word := op[1:]
	if strings.ContainsAny(word, "$`'\"\\{") {
		return errExpansion
	}
	v := ""
	if l.getenv != nil {
		v = l.getenv(name)
	}
	switch op[0] {
	case '-', '=':
		if v == "" {
			v = word
			l.notes = append(l.notes, "$"+name+" is not set here, so the command's default for it is used")
		}
	case '+':
		if v != "" {
			v = word
		}
	case '?':
		if v == "" {
			return fmt.Errorf("the command needs $%s, which is not set here; export it or paste its value", name)
		}
	}
	l.w.WriteString(v)
	return nil
}

func (l *posixLexer) expand(name string) error {
	v := ""
	if l.getenv != nil {
		v = l.getenv(name)
	}
	if v == "" {
		if !envLike(name) {
			// Likely not a variable but a $ inside a password or token
			// in double quotes: quoting it would show the secret.
			return l.errorf("the command has a $ at %s that the shell would expand; if it is part of a value, put that value in single quotes", l.pos(l.i))
		}
		return l.errorf("the command uses $%s, which is not set here; export it or paste its value", name)
	}
	l.w.WriteString(v)
	return nil
}

// envLike reports whether name looks like an environment variable as
// people write them, in capitals ($TOKEN, $ALTEGIO_USER_TOKEN), rather
// than a piece of a secret.
func envLike(name string) bool {
	for i := 0; i < len(name); i++ {
		if c := name[i]; !(c == '_' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return name != ""
}

func isNameStart(c byte) bool {
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func isNameChar(c byte) bool { return isNameStart(c) || (c >= '0' && c <= '9') }

func isName(s string) bool {
	if s == "" || !isNameStart(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		if !isNameChar(s[i]) {
			return false
		}
	}
	return true
}

// ansiC reads a $'...' string with bash's escapes; l.i is at the $.
func (l *posixLexer) ansiC() error {
	start := l.i
	l.i += 2
	for l.i < len(l.s) {
		c := l.s[l.i]
		if c == '\'' {
			l.i++
			return nil
		}
		if c != '\\' || l.i+1 >= len(l.s) {
			l.w.WriteByte(c)
			l.i++
			continue
		}
		e := l.s[l.i+1]
		l.i += 2
		switch e {
		case 'a':
			l.w.WriteByte(7)
		case 'b':
			l.w.WriteByte(8)
		case 'e', 'E':
			l.w.WriteByte(27)
		case 'f':
			l.w.WriteByte(12)
		case 'n':
			l.w.WriteByte('\n')
		case 'r':
			l.w.WriteByte('\r')
		case 't':
			l.w.WriteByte('\t')
		case 'v':
			l.w.WriteByte(11)
		case '\\', '\'', '"', '?':
			l.w.WriteByte(e)
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := int(e - '0')
			for k := 0; k < 2 && l.i < len(l.s) && l.s[l.i] >= '0' && l.s[l.i] <= '7'; k++ {
				v = v*8 + int(l.s[l.i]-'0')
				l.i++
			}
			l.w.WriteByte(byte(v))
		case 'x':
			v, n := l.hex(2)
			if n == 0 {
				l.w.WriteString(`\x`)
				continue
			}
			l.w.WriteByte(byte(v))
		case 'u', 'U':
			max := 4
			if e == 'U' {
				max = 8
			}
			v, n := l.hex(max)
			if n == 0 {
				l.w.WriteByte('\\')
				l.w.WriteByte(e)
				continue
			}
			var buf [utf8.UTFMax]byte
			l.w.Write(buf[:utf8.EncodeRune(buf[:], rune(v))])
		case 'c':
			if l.i < len(l.s) {
				l.w.WriteByte(l.s[l.i] & 0x1f)
				l.i++
			}
		default:
			l.w.WriteByte('\\')
			l.w.WriteByte(e)
		}
	}
	return l.errorf("unterminated $' quote starting at %s; close it with '", l.pos(start))
}

// hex reads up to max hex digits.
func (l *posixLexer) hex(max int) (v uint32, n int) {
	for n < max && l.i < len(l.s) {
		d, ok := hexDigit(l.s[l.i])
		if !ok {
			break
		}
		v = v<<4 | uint32(d)
		l.i++
		n++
	}
	return v, n
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func (l *posixLexer) pos(i int) string { return position(l.s, i) }

func (l *posixLexer) errorf(format string, a ...any) error {
	return fmt.Errorf("reading the pasted command as bash: "+format, a...)
}

// position is "line L, column C" of byte i of s, counting from 1.
func position(s string, i int) string {
	if i > len(s) {
		i = len(s)
	}
	line := strings.Count(s[:i], "\n") + 1
	col := i - strings.LastIndexByte(s[:i], '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

// splitCmd splits a command written for cmd.exe: cmd.exe removes its ^
// escapes and continuations first, then curl.exe splits what is left with
// the Microsoft C runtime's rules.
func splitCmd(text string) (words, notes []string, err error) {
	line, notes, err := cmdLine(text)
	if err != nil {
		return nil, nil, err
	}
	return crtSplit(line), notes, nil
}

// cmdLine applies cmd.exe's rules: outside double quotes, ^ takes the next
// character literally and ^ at the end of a line joins the next line (whose
// first character is then taken literally, which is how Chrome writes a
// newline inside a value: ^, newline, newline).
func cmdLine(s string) (string, []string, error) {
	var b strings.Builder
	var notes []string
	inQuote := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inQuote {
			if c == '"' {
				inQuote = false
			}
			b.WriteByte(c)
			continue
		}
		switch c {
		case '^':
			if i+1 >= len(s) {
				continue
			}
			i++
			if s[i] == '\n' {
				if i+1 < len(s) {
					i++
					b.WriteByte(s[i])
				}
				continue
			}
			b.WriteByte(s[i])
		case '"':
			inQuote = true
			b.WriteByte(c)
		case '&', '|':
			if strings.TrimSpace(strings.TrimLeft(s[i:], "&|")) != "" {
				notes = append(notes, fmt.Sprintf("left out what follows %q in the pasted command: it is another command, not part of the curl call", string(c)))
			}
			return b.String(), notes, nil
		case '>':
			notes = append(notes, "left out an output redirection (>) and what follows it in the pasted command")
			return b.String(), notes, nil
		case '<':
			return "", nil, errors.New("reading the pasted command as cmd.exe: the command reads input with <; give the body with -d @FILE instead")
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), notes, nil
}

// crtSplit splits a command line as the Microsoft C runtime does for
// argv: whitespace separates arguments outside double quotes; 2n
// backslashes before a quote become n and the quote opens or closes; 2n+1
// become n and a literal quote; "" inside quotes is a literal quote;
// backslashes anywhere else are literal.
func crtSplit(s string) []string {
	var args []string
	var w strings.Builder
	inArg, inQuote := false, false
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			n := 0
			for i+n < len(s) && s[i+n] == '\\' {
				n++
			}
			inArg = true
			if i+n < len(s) && s[i+n] == '"' {
				w.WriteString(strings.Repeat(`\`, n/2))
				if n%2 == 1 {
					w.WriteByte('"')
					i += n + 1
				} else {
					i += n // the quote opens or closes below
				}
				continue
			}
			w.WriteString(strings.Repeat(`\`, n))
			i += n
		case c == '"':
			inArg = true
			if inQuote && i+1 < len(s) && s[i+1] == '"' {
				w.WriteByte('"')
				i += 2
				continue
			}
			inQuote = !inQuote
			i++
		case !inQuote && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			if inArg {
				args = append(args, w.String())
				w.Reset()
				inArg = false
			}
			i++
		default:
			w.WriteByte(c)
			inArg = true
			i++
		}
	}
	if inArg {
		args = append(args, w.String())
	}
	return args
}

// Quote joins words into one bash command line that Split reads back as
// the same words: plain words stay bare, others are single-quoted, and
// words with a ' or a control or non-UTF-8 byte become $'...' strings. A
// ^ is written as \x5e inside $'...', so that the text is never taken for
// a cmd.exe command.
func Quote(words []string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = quoteWord(w)
	}
	return strings.Join(out, " ")
}

func quoteWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" && s[0] != '~' {
		return s
	}
	plain := utf8.ValidString(s)
	// $env: would make the text PowerShell's, "" inside a word cmd.exe's.
	dialect := psEnv.MatchString(s) || strings.Contains(s, `""`)
	if dialect {
		plain = false
	}
	for _, c := range []byte(s) {
		if c < 0x20 || c == 0x7f || c == '\'' || c == '^' {
			plain = false
			break
		}
	}
	if plain {
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		c := s[i]
		switch {
		case c == '\\' || c == '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c < 0x20 || c == 0x7f || c == '^' || (dialect && (c == '$' || c == '"')) || (r == utf8.RuneError && size == 1):
			fmt.Fprintf(&b, `\x%02x`, c)
			size = 1
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	b.WriteByte('\'')
	return b.String()
}
