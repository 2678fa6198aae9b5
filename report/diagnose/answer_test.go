package diagnose

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestReadEnvelope reads every shape the API's errors come in.
func TestReadEnvelope(t *testing.T) {
	yes := true
	no := false
	tests := map[string]struct {
		body string
		want envelope
	}{
		"meta.message": {`{"success":false,"data":null,"meta":{"message":"Access denied."}}`,
			envelope{IsEnvelope: true, Success: &no, Message: "Access denied.", HasMessage: true}},
		"meta.errors as an object of arrays": {`{"success":false,"data":null,"meta":{"message":"The given data was invalid.","errors":{"b":["x","y"],"a":"z"}}}`,
			envelope{IsEnvelope: true, Success: &no, Message: "The given data was invalid.", HasMessage: true,
				Errors: []fieldError{{Field: "b", Messages: []string{"x", "y"}}, {Field: "a", Messages: []string{"z"}}}}},
		"meta.errors as an array of codes": {`{"success":false,"data":null,"meta":{"message":"An error has occurred","errors":[{"code":433,"message":"taken"},{"code":"437","message":"overlap"}]}}`,
			envelope{IsEnvelope: true, Success: &no, Message: "An error has occurred", HasMessage: true,
				Coded: []codedError{{Code: 433, Message: "taken"}, {Code: 437, Message: "overlap"}}}},
		"YCLIENTS errors object": {`{"errors":{"code":401,"message":"Unauthorized"},"meta":{"message":"Unauthorized"}}`,
			envelope{IsEnvelope: true, Message: "Unauthorized", HasMessage: true, YErrors: true, YCode: 401, YMessage: "Unauthorized"}},
		"empty meta list":     {`{"success":false,"data":null,"meta":[]}`, envelope{IsEnvelope: true, Success: &no, MetaEmpty: true}},
		"success":             {`{"success":true,"data":[],"meta":{"count":0}}`, envelope{IsEnvelope: true, Success: &yes}},
		"a bare message":      {`{"message":"Too Many Attempts."}`, envelope{MetaEmpty: true, Other: "Too Many Attempts."}},
		"an error string":     {`{"error":"invalid_token"}`, envelope{MetaEmpty: true, Other: "invalid_token"}},
		"an error object":     {`{"error":{"code":5}}`, envelope{MetaEmpty: true}},
		"SMS-operator format": {`{"error_code":20,"error_message":"partner_token отсутствует"}`, envelope{MetaEmpty: true, Other: "partner_token отсутствует"}},
		"a web page":          {`<!DOCTYPE html><html>`, envelope{MetaEmpty: true, HTML: true}},
		"not JSON":            {`Bad Gateway`, envelope{MetaEmpty: true}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			got := readEnvelope(bodyOf([]byte(tc.body), "application/json"))
			if d := cmp.Diff(tc.want, *got); d != "" {
				t.Errorf("readEnvelope (-want +got):\n%s", d)
			}
		})
	}
}

// TestKnownMessages maps the messages of the API, in English and in
// Russian, to their causes, in every shape they come in, and leaves the
// generic ones alone.
func TestKnownMessages(t *testing.T) {
	m := func(s string) string { return `{"success":false,"data":null,"meta":{"message":` + jsonString(s) + `}}` }
	tests := map[string]struct {
		body string
		want cause // 0: no known message
	}{
		"Partner ID not specified":         {m("Partner ID not specified"), causePartner},
		"Authentication needed.":           {m("Authentication needed."), causeAuthNeeded},
		"Access denied.":                   {m("Access denied."), causeAccessDenied},
		"No company management rights":     {m("No company management rights"), causeNoRights},
		"Not enough rights":                {m("Not enough rights"), causeNoRights},
		"Недостаточно прав":                {m("Недостаточно прав"), causeNoRights},
		"Access is not activated":          {m("Access is not activated"), causeNotActivated},
		"licence, Russian":                 {m("Необходимо продлить лицензию в филиале с id: 1169323"), causeLicence},
		"Филиал не найден.":                {m("Филиал не найден."), causeLocation},
		"Не указан филиал.":                {m("Не указан филиал."), causeNoLocation},
		"Не найдено":                       {m("Не найдено"), causeNotFound},
		"Not found":                        {m("Not found"), causeNotFound},
		"Сотрудник не найден.":             {m("Сотрудник не найден."), causeObject},
		"Сотрудник с ID ... в филиале ...": {m("Сотрудник с ID 5 не найден в филиале 7."), causeObject},
		"Record not found":                 {m("Record not found"), causeObject},
		"Недопустимое значение фильтра":    {m("Недопустимое значение фильтра"), causeFilter},
		"Accept header":                    {m("An invalid Accept header was passed."), causeAccept},
		"Мастер занят":                     {m("Мастер занят или не работает: 2020-10-01 10:30"), causeSlotTaken},
		"slot taken, Russian":              {m("К сотруднику Ирина(6544) нельзя записаться на 30 сентября. Выбранное время уже занято или является нерабочим."), causeSlotTaken},
		"booking codes, first known wins": {`{"success":false,"data":null,"meta":{"message":"An error has occurred","errors":[{"code":437,"message":"Team Member (1) cannot be booked. Intersection with previous visit."},{"code":433,"message":"taken"}]}}`,
			causeOverlap},
		"code 433 with any text": {`{"success":false,"meta":{"message":"An error has occurred","errors":[{"code":433,"message":"?"}]}}`, causeSlotTaken},
		"code 436":               {`{"success":false,"meta":{"message":"An error has occurred","errors":[{"code":436,"message":"No team members available for enrollment"}]}}`, causeNoStaff},
		"code 438":               {`{"success":false,"meta":{"message":"An error has occurred","errors":[{"code":438,"message":"There is no appointment for the specified service/promotion"}]}}`, causeServiceGone},
		"422 No services":        {`{"success":false,"meta":{"message":"An error has occurred","errors":[{"code":422,"message":"No services or promotions set"}]}}`, causeNoServices},
		"YCLIENTS format":        {`{"errors":{"code":403,"message":"Недостаточно прав"}}`, causeNoRights},
		"a bare message":         {`{"message":"Unauthenticated."}`, causeAuthNeeded},
		"in a field error":       {`{"success":false,"meta":{"message":"Error","errors":{"company_id":["Филиал не найден."]}}}`, causeLocation},
		"case and spacing":       {m("  partner   ID not SPECIFIED "), causePartner},
		"an echoed placeholder is not the server's words": {m("Authentication needed. Got: Bearer {{partner_token}}"), causeAuthNeeded},
		"generic: An error has occurred":                  {m("An error has occurred"), 0},
		"generic: The given data was invalid.":            {m("The given data was invalid."), 0},
		"generic: empty":                                  {m(""), 0},
		"a client that already exists":                    {m("Клиент с указанным телефоном уже существует в базе"), 0},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			km, _, _ := matchAnswer(readEnvelope(bodyOf([]byte(tc.body), "application/json")))
			var got cause
			if km != nil {
				got = km.cause
			}
			if got != tc.want {
				t.Errorf("matched cause %d, want %d", got, tc.want)
			}
		})
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// FuzzReadEnvelope: any body, however malformed or deep, is read without
// a panic, and the interpretation of it is consistent: a known message
// came from a text the envelope holds.
func FuzzReadEnvelope(f *testing.F) {
	for _, seed := range []string{
		`{"success":false,"data":null,"meta":{"message":"Access denied."}}`,
		`{"meta":{"errors":[{"code":433,"message":"x"}]}}`,
		`{"meta":{"errors":{"a":["b"],"c":{"d":1}}}}`,
		`{"errors":{"code":"401"}}`, `{"meta":{"errors":[1,"x",null]}}`, `{"meta":{"errors":[{"code":1e999}]}}`,
		`[]`, `null`, `"x"`, `<html>`, ``, `{"message":5}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		e := readEnvelope(bodyOf([]byte(body), "application/json"))
		a := interpret(422, e)
		if a.known != nil {
			found := false
			for _, tx := range e.texts() {
				found = found || tx.Message == a.text
			}
			if !found {
				t.Errorf("matched text %q is not in the envelope", a.text)
			}
		}
		if strings.Count(body, "{") < 100 && a.possible == 0 {
			t.Errorf("a 422 allows no part of the request")
		}
	})
}
