package curlcmd

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// PowerShell: Windows users call curl.exe there (in Windows PowerShell
// 5.1, curl is Invoke-WebRequest), continue lines with a backtick and
// take tokens from $env:NAME. PowerShell splits the text into values
// with its own quoting, then hands curl.exe one command line, which
// curl.exe splits again with the Microsoft C runtime's rules. Windows
// PowerShell 5.1, the one Windows comes with, writes that line by
// wrapping a value that holds a space in double quotes and nothing else,
// so a \" inside a value reaches curl as " (the advice users follow:
// -d '{\"a\":1}'), a bare " is lost, and an empty value is dropped.
// PowerShell 7.3 and later quote each value so that curl gets it as it
// is. The text names curl.exe in both; curl alone can only be PowerShell
// 7 (in 5.1 it is Invoke-WebRequest's alias, which takes no -H), read
// with 7.3's rules.

var (
	psContinuation = regexp.MustCompile("[ \t]`[ \t]*(\n|$)")
	psEnv          = regexp.MustCompile(`(?i)\$env:[A-Za-z_]`)
)

// isPowerShell reports whether text was written for PowerShell: a line
// continued with a backtick (in bash a backtick starts a command to run,
// which no curl command copied from anywhere does), or $env:NAME.
func isPowerShell(text string) bool {
	return psContinuation.MatchString(text) || psEnv.MatchString(text)
}

// splitPowerShell splits text as PowerShell, then as curl.exe receives
// it.
func splitPowerShell(text string, getenv func(string) string) (words, notes []string, err error) {
	values, notes, err := psValues(text, getenv)
	if err != nil {
		return nil, nil, err
	}
	if len(values) == 0 || !strings.EqualFold(values[0], "curl.exe") {
		// PowerShell 7.3+: each value reaches curl as it is.
		return values, notes, nil
	}
	// Windows PowerShell 5.1's command line, split by curl.exe.
	var line strings.Builder
	changed := false
	for i, v := range values {
		if v == "" {
			changed = true
			continue
		}
		if i > 0 {
			line.WriteByte(' ')
		}
		if strings.ContainsAny(v, " \t") {
			line.WriteString(`"` + v + `"`)
		} else {
			line.WriteString(v)
		}
		if strings.ContainsAny(v, `"\`) {
			changed = true
		}
	}
	words = crtSplit(line.String())
	if changed && !slices.Equal(words, values) {
		notes = append(notes, "read as Windows PowerShell 5.1 passes arguments to curl.exe (a \\\" in a value reaches curl as \", a bare \" is lost, an empty value is dropped); PowerShell 7.3 and later pass each value as it is: if you ran it there, paste the values in single quotes without the backslashes")
	}
	return words, notes, nil
}

// psValues splits text with PowerShell's rules for a command's arguments:
// 'single quotes' are literal (” is a quote), "double quotes" expand
// $env:NAME and take backtick escapes (`n, `t, `", `$, ...; "" is a
// quote), a backtick outside quotes takes the next character literally
// and joins lines, # starts a comment, and |, ; or && end the command.
func psValues(s string, getenv func(string) string) (values, notes []string, err error) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var w strings.Builder
	inWord := false
	flush := func() {
		if inWord {
			values = append(values, w.String())
		}
		w.Reset()
		inWord = false
	}
	errorf := func(i int, format string, a ...any) error {
		return fmt.Errorf("reading the pasted command as PowerShell: "+format, append(a, position(s, i))...)
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			flush()
			i++
		case c == '`':
			if i+1 < len(s) && s[i+1] == '\n' {
				i += 2
				continue
			}
			if i+1 < len(s) {
				w.WriteByte(s[i+1])
				inWord = true
			}
			i += 2
		case c == '\'':
			inWord = true
			i++
			for {
				if i >= len(s) {
					return nil, nil, errorf(i, "unterminated ' quote at %s; close it with '")
				}
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						w.WriteByte('\'')
						i += 2
						continue
					}
					i++
					break
				}
				w.WriteByte(s[i])
				i++
			}
		case c == '"':
			inWord = true
			i++
			for {
				if i >= len(s) {
					return nil, nil, errorf(i, "unterminated \" quote at %s; close it with \"")
				}
				d := s[i]
				if d == '"' {
					if i+1 < len(s) && s[i+1] == '"' {
						w.WriteByte('"')
						i += 2
						continue
					}
					i++
					break
				}
				switch d {
				case '`':
					if i+1 < len(s) {
						w.WriteString(psEscape(s[i+1]))
					}
					i += 2
				case '$':
					n, err := psDollar(s, i, getenv, &w)
					if err != nil {
						return nil, nil, err
					}
					i += n
				default:
					w.WriteByte(d)
					i++
				}
			}
		case c == '$':
			n, err := psDollar(s, i, getenv, &w)
			if err != nil {
				return nil, nil, err
			}
			inWord = true
			i += n
		case c == '#' && !inWord:
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case c == '|' || c == ';' || (c == '&' && i+1 < len(s) && s[i+1] == '&'):
			flush()
			notes = append(notes, "left out what follows "+string(c)+" in the pasted command: it is another command, not part of the curl call")
			return values, notes, nil
		case c == '>':
			flush()
			notes = append(notes, "left out an output redirection (>) and what follows it in the pasted command")
			return values, notes, nil
		case c == '<':
			return nil, nil, errorf(i, "the command reads input with < at %s, which PowerShell does not have; give the body with -d @FILE instead")
		case c == '@' && !inWord && i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '{' || isNameStart(s[i+1])):
			return nil, nil, errorf(i, "the command uses a PowerShell array, hashtable or splatting (@) at %s; paste the values themselves")
		case (c == '(' || c == '{') && !inWord:
			return nil, nil, errorf(i, "the command runs PowerShell code at %s; run it yourself and paste its output")
		default:
			w.WriteByte(c)
			inWord = true
			i++
		}
	}
	flush()
	return values, notes, nil
}

// psEscape is what a backtick escape stands for in a double-quoted
// PowerShell string.
func psEscape(c byte) string {
	switch c {
	case 'n':
		return "\n"
	case 't':
		return "\t"
	case 'r':
		return "\r"
	case '0':
		return "\x00"
	case 'a':
		return "\a"
	case 'b':
		return "\b"
	case 'f':
		return "\f"
	case 'v':
		return "\v"
	case 'e':
		return "\x1b"
	}
	return string(c)
}

var psEnvName = regexp.MustCompile(`(?i)^\$(?:\{env:([A-Za-z_][A-Za-z0-9_]*)\}|env:([A-Za-z_][A-Za-z0-9_]*))`)

// psDollar expands the $ at s[i] into w and says how many bytes it took:
// $env:NAME and ${env:NAME} are looked up; a $ before nothing that names
// a variable is itself; any other variable or $(...) is an error.
func psDollar(s string, i int, getenv func(string) string, w *strings.Builder) (int, error) {
	if m := psEnvName.FindStringSubmatch(s[i:]); m != nil {
		name := m[1] + m[2]
		v := ""
		if getenv != nil {
			v = getenv(name)
		}
		if v == "" {
			return 0, fmt.Errorf("reading the pasted command as PowerShell: the command uses $env:%s, which is not set here; export it or paste its value", name)
		}
		w.WriteString(v)
		return len(m[0]), nil
	}
	if i+1 < len(s) && (s[i+1] == '(' || s[i+1] == '{' || isNameStart(s[i+1])) {
		return 0, errors.New("reading the pasted command as PowerShell: the command uses a PowerShell variable or expression ($) at " + position(s, i) + "; paste its value instead, or use $env:NAME")
	}
	w.WriteByte('$')
	return 1, nil
}
