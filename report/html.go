package report

import (
	"embed"
	"html/template"
	"strings"
)

//go:embed templates/*.html.tmpl
var templateFiles embed.FS

// htmlTemplate renders the text/html body from templates/page.html.tmpl and
// one "section-<name>" template per section. html/template escapes every
// value for its context, so markup in a response body shows as text.
// Styles are inline because mail clients strip <style> and external CSS.
var htmlTemplate = func() *template.Template {
	t := template.New("page.html.tmpl")
	t.Funcs(template.FuncMap{
		"join":          strings.Join,
		"add":           func(a, b int) int { return a + b },
		"methodColor":   methodColor,
		"statusColor":   statusColor,
		"statusStyle":   statusStyle,
		"mono":          func() template.CSS { return monoFont },
		"sans":          func() template.CSS { return sansFont },
		"pill":          func(class, text string) pill { return pill{class, text} },
		"kv":            func(k, v string, mono bool) kvRow { return kvRow{k, v, mono} },
		"pathOf":        pathOf,
		"sections":      func() []string { return sections },
		"messagePrompt": func() string { return messagePrompt },
		"secretsIntro":  func() string { return secretsIntro },
		// section renders the named section's template, or nothing when
		// the section has no HTML form. Its output was escaped by
		// html/template already.
		"section": func(name string, v *view) (template.HTML, error) {
			if t.Lookup("section-"+name) == nil {
				return "", nil
			}
			var b strings.Builder
			err := t.ExecuteTemplate(&b, "section-"+name, v)
			return template.HTML(b.String()), err
		},
	})
	return template.Must(t.ParseFS(templateFiles, "templates/*.html.tmpl"))
}()

func renderHTML(v *view) (string, error) {
	var b strings.Builder
	if err := htmlTemplate.Execute(&b, v); err != nil {
		return "", err
	}
	return b.String(), nil
}

func methodColor(m string) template.CSS {
	switch strings.ToUpper(m) {
	case "GET":
		return "#1a7f37"
	case "POST":
		return "#9a6700"
	case "PUT", "PATCH":
		return "#0969da"
	case "DELETE":
		return "#cf222e"
	}
	return "#59636e"
}

func statusColor(class string) template.CSS {
	switch class {
	case "ok":
		return "#1a7f37"
	case "redirect":
		return "#0969da"
	case "client":
		return "#d4a72c"
	}
	return "#cf222e" // server errors and transport faults
}

// Font stacks, as CSS declarations for a style attribute.
const (
	monoFont template.CSS = "font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace;"
	sansFont template.CSS = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
)

// pill is the status badge: its class (see statusClass) and text.
type pill struct{ Class, Text string }

// kvRow is one row of a label/value table.
type kvRow struct {
	Key, Value string
	Mono       bool
}

// statusStyle colours a status badge: light background, dark text and a
// border of the status colour, readable in light and dark mail clients.
func statusStyle(class string) template.CSS {
	switch class {
	case "ok":
		return "background:#dafbe1;color:#116329;border:1px solid #4ac26b;"
	case "redirect":
		return "background:#ddf4ff;color:#0550ae;border:1px solid #54aeff;"
	case "client":
		return "background:#fff8c5;color:#7d4e00;border:1px solid #d4a72c;"
	}
	return "background:#ffebe9;color:#a40e26;border:1px solid #ff8182;" // 5xx and faults
}

// pathOf is the path and query of a URL as written, for the one-line
// summary.
func pathOf(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		return rest[i:]
	}
	return "/"
}
