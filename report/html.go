package report

import (
	_ "embed"
	"html/template"
	"strings"
)

//go:embed ticket.html.tmpl
var htmlSource string

// htmlTemplate renders the text/html body. html/template escapes every
// value for its context, so markup in a response body shows as text.
// Styles are inline because mail clients strip <style> and external CSS.
var htmlTemplate = template.Must(template.New("ticket").Funcs(template.FuncMap{
	"join":        strings.Join,
	"methodColor": methodColor,
	"statusColor": statusColor,
}).Parse(htmlSource))

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
