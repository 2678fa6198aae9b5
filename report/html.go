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
		"join":        strings.Join,
		"add":         func(a, b int) int { return a + b },
		"methodColor": methodColor,
		"statusColor": statusColor,
		"sections":    func() []string { return sections },
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
		return "#bf8700"
	}
	return "#cf222e" // server errors and transport faults
}
