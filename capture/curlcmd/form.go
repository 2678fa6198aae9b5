package curlcmd

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
)

// This file builds the multipart/form-data body of -F/--form and
// --form-string as curl 7.88.1 does (src/tool_formparse.c for the syntax,
// lib/mime.c for the bytes):
//
//	-F name=value           a text part
//	-F name=@file           a file part: filename="file" (its base name)
//	                        and a Content-Type guessed from the name
//	-F name=<file           a text part whose value is read from file
//	-F 'name=v;type=a/b'    ;type=, ;filename=, ;headers= and ;encoder=
//	                        follow the value; a value in double quotes
//	                        may hold ; and , (\" and \\ inside)
//	--form-string name=v    v as it is: no @, < or ;type=
//
// The body is sent with Content-Type: multipart/form-data and a boundary
// of 24 dashes and 16 random hex digits, as curl 7.88 makes it.

// FormPart is one part of a multipart body, as the ticket shows it.
type FormPart struct {
	Name string
	// Filename is set for a file part (-F name=@file) or ;filename=;
	// HasFilename says whether the part has one, which may be empty.
	Filename    string
	HasFilename bool
	// Type is the part's Content-Type; "" when curl sends none.
	Type string
	// Headers are the part's extra header lines (;headers=).
	Headers []string
	// Value is the part's content as sent.
	Value []byte
	// From names the file the value was read from ("" for a value given
	// on the command line, "-" for stdin).
	From string
}

// form is a parsed multipart body, ready to be written.
type form struct {
	parts []FormPart
	// encoders holds each part's ;encoder=, "" for none.
	encoders []string
}

// formSpec is one -F argument read with curl's rules, before any file is
// read.
type formSpec struct {
	name            string
	value           string // the text, or the file name for @ and <
	file, fileValue bool   // name=@file, name=<file
	typ, filename   string
	hasFilename     bool
	headers         []string
	headerFile      string
	encoder         string
}

// errFormSyntax is returned for an -F argument curl refuses.
func formError(format string, a ...any) error {
	return fmt.Errorf("-F: "+format, a...)
}

// parseFormArg reads one -F (or --form-string, when literal) argument.
func parseFormArg(arg string, literal bool) (formSpec, error) {
	eq := strings.IndexByte(arg, '=')
	if eq < 0 {
		return formSpec{}, formError("an argument must be name=value, name=@file or name=<file (curl: \"Illegally formatted input field!\")")
	}
	sp := formSpec{name: arg[:eq]}
	rest := arg[eq+1:]
	if literal {
		sp.value = rest
		return sp, nil
	}
	switch {
	case strings.HasPrefix(rest, "("):
		return formSpec{}, formError("a nested multipart part (name=(...) ... =)) is not supported; send the body with --data-binary @FILE and its Content-Type header")
	case sp.name == "" && rest == ")":
		return formSpec{}, formError("=) closes a nested multipart part, which is not supported")
	case strings.HasPrefix(rest, "@"):
		sp.file = true
		rest = rest[1:]
	case strings.HasPrefix(rest, "<"):
		sp.fileValue = true
		rest = rest[1:]
	}
	endchar := byte(0)
	if sp.file {
		endchar = ','
	}
	var sep byte
	var err error
	sp.value, rest, sep, err = formParamPart(rest, endchar, &sp)
	if err != nil {
		return formSpec{}, err
	}
	if sep == ',' {
		return formSpec{}, formError("several files in one part (name=@a,b) make a multipart/mixed part, which is not supported; give each file its own -F")
	}
	_ = rest
	return sp, nil
}

// formParamPart is curl's get_param_part: the value, then ;type=,
// ;filename=, ;headers= and ;encoder= attributes. It returns the value,
// what is left, and the character it stopped at (0 at the end).
func formParamPart(s string, endchar byte, sp *formSpec) (string, string, byte, error) {
	s = strings.TrimLeft(s, " \t\r\n\v\f")
	value, quoted, s := formWord(s, endchar)
	if !quoted {
		value = strings.TrimRight(value, " \t\r\n\v\f")
	}
	for s != "" && s[0] == ';' {
		s = strings.TrimLeft(s[1:], " \t\r\n\v\f")
		switch {
		case hasPrefixFold(s, "type="):
			s = strings.TrimLeft(s[5:], " \t\r\n\v\f")
			end := strings.IndexFunc(s, func(r rune) bool { return r == ';' || (endchar != 0 && r == rune(endchar)) })
			if end < 0 {
				end = len(s)
			}
			t := strings.TrimRight(s[:end], " \t\r\n\v\f")
			major, minor, ok := strings.Cut(t, "/")
			if !ok || major == "" || minor == "" || strings.ContainsAny(major, " ") {
				return "", "", 0, formError("the part's ;type= is not a type such as text/plain (curl: \"Illegally formatted content-type field!\")")
			}
			sp.typ = t
			s = s[end:]
		case hasPrefixFold(s, "filename="):
			s = strings.TrimLeft(s[9:], " \t\r\n\v\f")
			w, q, rest := formWord(s, endchar)
			if !q {
				w = strings.TrimRight(w, " \t\r\n\v\f")
			}
			sp.filename, sp.hasFilename, s = w, true, rest
		case hasPrefixFold(s, "headers="):
			s = s[8:]
			if s != "" && (s[0] == '@' || s[0] == '<') {
				s = strings.TrimLeft(s[1:], " \t\r\n\v\f")
				w, q, rest := formWord(s, endchar)
				if !q {
					w = strings.TrimRight(w, " \t\r\n\v\f")
				}
				sp.headerFile, s = w, rest
				continue
			}
			s = strings.TrimLeft(s, " \t\r\n\v\f")
			w, q, rest := formWord(s, endchar)
			if !q {
				w = strings.TrimRight(w, " \t\r\n\v\f")
			}
			sp.headers, s = append(sp.headers, w), rest
		case hasPrefixFold(s, "encoder="):
			s = strings.TrimLeft(s[8:], " \t\r\n\v\f")
			w, q, rest := formWord(s, endchar)
			if !q {
				w = strings.TrimRight(w, " \t\r\n\v\f")
			}
			sp.encoder, s = w, rest
		default:
			// curl skips an attribute it does not know, with a warning.
			_, _, s = formWord(s, endchar)
		}
	}
	var sep byte
	if s != "" {
		sep = s[0]
	}
	return value, s, sep, nil
}

// formWord is curl's get_param_word: a "quoted" word (with \" and \\
// inside) or everything up to ; or endchar.
func formWord(s string, endchar byte) (word string, quoted bool, rest string) {
	stop := func(c byte) bool { return c == ';' || (endchar != 0 && c == endchar) }
	if strings.HasPrefix(s, `"`) {
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			c := s[i]
			if c == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '"') {
				b.WriteByte(s[i+1])
				i++
				continue
			}
			if c == '"' {
				j := i + 1
				for j < len(s) && !stop(s[j]) {
					j++ // curl warns about trailing data and skips it
				}
				return b.String(), true, s[j:]
			}
			b.WriteByte(c)
		}
		// No closing quote: read as unquoted.
	}
	i := 0
	for i < len(s) && !stop(s[i]) {
		i++
	}
	return s[:i], false, s[i:]
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// buildForm reads the files the -F arguments name and returns the parts.
func buildForm(args []FormArg, env Env, stdin func() ([]byte, error)) (*form, error) {
	f := &form{}
	for _, a := range args {
		sp, err := parseFormArg(a.Value, a.Literal)
		if err != nil {
			return nil, err
		}
		part := FormPart{Name: sp.name, Headers: sp.headers}
		switch {
		case sp.file || sp.fileValue:
			part.From = sp.value
			if sp.value == "-" {
				part.Value, err = stdin()
			} else {
				part.Value, err = env.readFile(sp.value)
			}
			if err != nil {
				// curl: "(26) Failed to open/read local data from file/application"
				return nil, formError("cannot read %s for the part %q (%s); curl stops here too (\"Failed to open/read local data from file/application\")", sp.value, sp.name, fileProblem(err))
			}
		default:
			part.Value = []byte(sp.value)
		}
		if sp.headerFile != "" {
			b, err := env.readFile(sp.headerFile)
			if err != nil {
				return nil, formError("cannot read the headers file %s of the part %q (%s)", sp.headerFile, sp.name, fileProblem(err))
			}
			part.Headers = append(part.Headers, headerFileLines(string(b))...)
		}
		switch {
		case sp.hasFilename:
			part.Filename = sp.filename
		case sp.file && sp.value == "-":
			part.Filename = "-"
		case sp.file:
			part.Filename = baseName(sp.value)
		}
		part.HasFilename = sp.hasFilename || sp.file
		part.Type = partType(sp, part)
		switch strings.ToLower(sp.encoder) {
		case "", "binary", "8bit", "7bit", "base64":
		default:
			return nil, formError("the part %q asks for ;encoder=%s, which is not supported (binary, 8bit, 7bit and base64 are)", sp.name, sp.encoder)
		}
		if strings.EqualFold(sp.encoder, "7bit") {
			for _, c := range part.Value {
				if c > 0x7f {
					return nil, formError("the part %q is not 7-bit text, which ;encoder=7bit requires (curl: \"Invalid 7-bit data\")", sp.name)
				}
			}
		}
		f.parts = append(f.parts, part)
		f.encoders = append(f.encoders, strings.ToLower(sp.encoder))
	}
	return f, nil
}

// headerFileLines reads a ;headers=@file: one header a line; lines that
// start with # are comments, and a line that starts with a space or a tab
// continues the one before (curl's read_field_headers).
func headerFileLines(s string) []string {
	var out []string
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "#"):
		case (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && len(out) > 0:
			out[len(out)-1] += " " + strings.TrimLeft(line, " \t")
		case strings.TrimSpace(line) != "":
			out = append(out, strings.TrimRight(line, " \t"))
		}
	}
	return out
}

// partType is the Content-Type curl sends for a part (lib/mime.c,
// Curl_mime_prepare_headers): ;type= or a Content-Type given with
// ;headers=; else, for a file, one guessed from the file name (or
// application/octet-stream); else one guessed from ;filename=. A guessed
// text/plain is left out of a part without a filename.
func partType(sp formSpec, part FormPart) string {
	if sp.typ != "" {
		return sp.typ
	}
	for _, h := range part.Headers {
		if name, v, ok := strings.Cut(h, ":"); ok && strings.EqualFold(strings.TrimSpace(name), "Content-Type") {
			return strings.TrimSpace(v)
		}
	}
	var t string
	switch {
	case sp.file && sp.value == "-":
		// Read from stdin, the part is data, not a file: curl guesses
		// only from its filename ("-"), and falls back on nothing.
		t = typeForName(part.Filename)
	case sp.file:
		t = typeForName(part.Filename)
		if t == "" {
			t = typeForName(sp.value)
		}
		if t == "" && part.HasFilename {
			t = "application/octet-stream"
		}
	case sp.fileValue:
		t = typeForName(sp.value) // lib/mime.c also looks at the file's name
	default:
		t = typeForName(part.Filename)
	}
	if t == "text/plain" && !part.HasFilename {
		return ""
	}
	return t
}

// typeForName is lib/mime.c's Curl_mime_contenttype.
func typeForName(name string) string {
	for _, e := range [...]struct{ ext, typ string }{
		{".gif", "image/gif"}, {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".png", "image/png"},
		{".svg", "image/svg+xml"}, {".txt", "text/plain"}, {".htm", "text/html"}, {".html", "text/html"},
		{".pdf", "application/pdf"}, {".xml", "application/xml"},
	} {
		if len(name) >= len(e.ext) && strings.EqualFold(name[len(name)-len(e.ext):], e.ext) {
			return e.typ
		}
	}
	return ""
}

// baseName is the part of a path after its last / or \, as curl takes a
// file part's filename.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// NewBoundary makes a boundary as curl 7.88 does: 24 dashes and 16
// random lowercase hex digits.
func NewBoundary() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	return strings.Repeat("-", 24) + hex.EncodeToString(b[:])
}

// formEscape escapes a name or filename in Content-Disposition as curl
// does by default (the HTML standard's rule): " as %22, CR as %0D, LF
// as %0A.
var formEscape = strings.NewReplacer(`"`, "%22", "\r", "%0D", "\n", "%0A")

// body writes the multipart body with the boundary. disposition is
// "form-data" for a multipart/form-data body; curl writes "attachment"
// when the command gave another multipart type with -H.
func (f *form) body(boundary, disposition string) []byte {
	var b bytes.Buffer
	for i, p := range f.parts {
		b.WriteString("--" + boundary + "\r\n")
		b.WriteString("Content-Disposition: " + disposition + `; name="` + formEscape.Replace(p.Name) + `"`)
		if p.HasFilename {
			b.WriteString(`; filename="` + formEscape.Replace(p.Filename) + `"`)
		}
		b.WriteString("\r\n")
		if p.Type != "" {
			b.WriteString("Content-Type: " + p.Type + "\r\n")
		}
		if enc := f.encoders[i]; enc != "" {
			b.WriteString("Content-Transfer-Encoding: " + enc + "\r\n")
		}
		for _, h := range p.Headers {
			if name, _, _ := strings.Cut(h, ":"); strings.EqualFold(strings.TrimSpace(name), "Content-Type") {
				continue // sent above, as curl does
			}
			b.WriteString(h + "\r\n")
		}
		b.WriteString("\r\n")
		if f.encoders[i] == "base64" {
			b.Write(base64Lines(p.Value))
		} else {
			b.Write(p.Value)
		}
		b.WriteString("\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	return b.Bytes()
}

// base64Lines is curl's base64 encoder: lines of 76 characters, CRLF
// between them.
func base64Lines(v []byte) []byte {
	s := base64.StdEncoding.EncodeToString(v)
	var b bytes.Buffer
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.Bytes()
}

// fileProblem words a file error without the path, which the caller
// names.
func fileProblem(err error) string {
	var pe interface{ Unwrap() error }
	if errors.As(err, &pe) {
		err = pe.Unwrap()
	}
	switch {
	case errors.Is(err, os.ErrNotExist) || strings.Contains(err.Error(), "no such file"):
		return "no such file; check the path, relative to " + cwd()
	case errors.Is(err, os.ErrPermission) || strings.Contains(err.Error(), "permission denied"):
		return "permission denied"
	case strings.Contains(err.Error(), "is a directory"):
		return "it is a folder"
	}
	return "check the path"
}
