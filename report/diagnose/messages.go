package diagnose

import (
	"strings"
	"unicode"
)

// This file maps the messages the API answers with, in English and in
// Russian, to their causes. Each known message is reported by one answer
// check (answers.go and status.go); TestEveryCauseHasOneCheck keeps the
// two in step.
//
// Sources, cited per entry below:
//   - [v2]: the Alteg.io B2B v2 OpenAPI document (developer.alteg.io
//     _bundle/en/b2b-v2/openapi.yaml): "Requests without the v2 media
//     type return 400", and the error_response schema.
//   - [book]: the Alteg.io online booking documentation, "Validate
//     Booking Parameters" (POST /book_check/{location_id}) and "Create
//     Booking" (POST /book_record/{location_id}): HTTP 422 with meta.errors
//     [{code, message}], codes 433, 436, 437, 438, and 422 "No services or
//     promotions set".
//   - [yc]: the YCLIENTS REST API description, which Alteg.io shares
//     (yclientsru.apib, mirrored in github.com/mkosinov/yclientsapi,
//     docs/yclients_official): "Необходимо продлить лицензию в филиале с
//     id: {company_id}" (402/403), "Не указан филиал." and "Филиал не
//     найден." (404), "Недостаточно прав" (403), "Не найдено" (404, also
//     for a location id that is not an integer), "Недопустимое значение
//     фильтра" (400, meta.errors.filters), "Сотрудник с ID {staff_id} не
//     найден в филиале {company_id}.", "Мастер занят или не работает"
//     (409), "Выбранное время уже занято или является нерабочим." (422),
//     and the SMS-operator codes (INVALID_PARTNER_TOKEN, "partner_token
//     отсутствует или невалиден").
//   - [notes]: /work/shared/notes/altegio-api.md: 401 "Authentication
//     needed." and "Partner ID not specified", 403 "Access denied." and
//     "No company management rights".
//   - [field]: integrators' own reports in public code: a support request
//     with "Authorization: Bearer <user token>" and "Partner <location
//     id>" answered 401 "Partner ID not specified", then 403 "No company
//     management rights" until the user had rights on the location
//     (sguioco/hiteam and its forks); "Not enough rights" for
//     /company/{id}/booking_forms and /company/{id}/settings/online and
//     "Access is not activated" for /tips/{id}/settings
//     (azamat02/altegio-ai SESSION_CONTEXT.md).

// cause is a known answer; each is reported by exactly one check.
type cause int

const (
	causeAccept       cause = iota + 1 // AT201: the API names the Accept header
	causeAuthNeeded                    // AT202: "Authentication needed."
	causeAccessDenied                  // AT204: "Access denied."
	causeNotFound                      // AT205: "Not found", "Не найдено"
	causePartner                       // AT220: "Partner ID not specified"
	causeNoRights                      // AT221: "No company management rights", "Not enough rights"
	causeLicence                       // AT222: "Необходимо продлить лицензию ..."
	causeNotActivated                  // AT223: "Access is not activated"
	causeLocation                      // AT224: "Филиал не найден."
	causeNoLocation                    // AT224: "Не указан филиал."
	causeObject                        // AT225: "Сотрудник не найден." and the like
	causeFilter                        // AT226: "Недопустимое значение фильтра"
	causeSlotTaken                     // AT227: 433, the time slot is taken
	causeOverlap                       // AT228: 437, appointments in one request overlap
	causeNoServices                    // AT229: "No services or promotions set"
	causeNoStaff                       // AT230: 436, no team member available
	causeServiceGone                   // AT231: 438, the service cannot be booked
	causeCredentials                   // AT232: "Wrong login or password"

	lastCause = causeCredentials
)

// knownMessage is one cause as the server words it.
type knownMessage struct {
	cause cause
	// codes are the error codes in meta.errors that identify the cause
	// whatever their text.
	codes []int
	// fragments are lower-case pieces of the text, in English and in
	// Russian; any one of them identifies the cause.
	fragments []string
	// match, when set, replaces fragments.
	match func(lower string) bool
	// gloss is the message in plain English, shown next to a Russian one.
	gloss string

	blames   part
	specific bool
	possible partSet
	about    string
}

// knownMessages is tried in order, so a narrower entry comes before a
// broader one that would also match.
var knownMessages = []knownMessage{
	// [book]: error codes of the online booking endpoints.
	{cause: causeSlotTaken, codes: []int{433}, fragments: []string{"already taken", "уже занято", "занят или не работает", "is busy"},
		gloss: "the team member is busy or not working at that time", blames: partBooking, specific: true, possible: setOf(partBooking, partFields),
		about: "says the time slot is taken"},
	{cause: causeNoStaff, codes: []int{436}, fragments: []string{"no team members available", "no staff available", "нет свободных сотрудников", "нет доступных сотрудников", "нет свободных мастеров",
		"для записи сотрудников", "для записи мастеров"},
		gloss: "no team member is available", blames: partBooking, specific: true, possible: setOf(partBooking),
		about: "says no team member is available"},
	{cause: causeOverlap, codes: []int{437}, fragments: []string{"intersection with", "пересечение с", "пересекается"},
		gloss: "two appointments overlap", blames: partFields, specific: true, possible: setOf(partFields),
		about: "says two appointments in the request overlap"},
	{cause: causeServiceGone, codes: []int{438}, fragments: []string{"no appointment for the specified service", "нет записи на указанную услугу", "service is not available for booking", "услуга недоступна",
		"не оказывает", "недоступен для записи на выбранную услугу", "does not provide the service", "not available for the selected service"},
		gloss: "the service cannot be booked", blames: partBooking, specific: true, possible: setOf(partBooking, partFields),
		about: "says the service cannot be booked"},
	{cause: causeNoServices, fragments: []string{"no services or promotions set", "услуга не указана", "услуги не указаны", "не указаны услуги", "не выбраны услуги"},
		gloss: "no service was given", blames: partFields, specific: true, possible: setOf(partFields, partBody),
		about: "says the appointment names no service"},

	// [v2], [notes]: the Accept header.
	{cause: causeAccept, fragments: []string{"accept header", "header accept", "заголовок accept", "заголовка accept"},
		gloss: "the Accept header is wrong", blames: partAccept, specific: true, possible: setOf(partAccept),
		about: "names the Accept header"},

	// [notes], [field], [yc]: the tokens.
	{cause: causePartner, fragments: []string{"partner id", "partner token", "partner_token", "партнер", "партнёр"},
		gloss: "no valid partner token", blames: partPartner, specific: true, possible: setOf(partAuth, partPartner, partHost),
		about: "says the partner token is missing"},

	// [field]: POST /auth with a login or password the API does not
	// accept (404 "Wrong login or password", sguioco/hiteam's Altegio
	// client; a YCLIENTS connector maps the Russian "логин/пароль" answer
	// to the same cause).
	{cause: causeCredentials, fragments: []string{"wrong login or password", "incorrect login or password", "invalid login or password",
		"неверный логин или пароль", "неправильный логин или пароль", "неверный логин", "неверный пароль"},
		gloss: "the login or password is wrong", blames: partFields, specific: true, possible: setOf(partFields, partBody),
		about: "says the login or password is wrong"},

	// [yc], [field]: the location's account and the user's rights.
	{cause: causeLicence, fragments: []string{"лиценз", "license", "licence"},
		gloss: "the location's licence must be renewed", blames: partAccount, specific: true, possible: setOf(partAccount),
		about: "is about the location's licence"},
	{cause: causeNotActivated, fragments: []string{"not activated", "не активирован", "is not enabled", "не подключен", "не подключён"},
		gloss: "the feature is not activated for the location", blames: partAccount, specific: true, possible: setOf(partAccount),
		about: "says the feature is not activated for the location"},
	{cause: causeNoRights, fragments: []string{"management rights", "not enough rights", "insufficient rights", "no rights", "not enough permissions", "insufficient permissions", "недостаточно прав", "нет прав"},
		gloss: "the user has not enough rights", blames: partRights, specific: true, possible: setOf(partRights, partUser, partID, partHost),
		about: "is about the user's rights on the location"},
	{cause: causeAccessDenied, fragments: []string{"access denied", "доступ запрещ", "нет доступа", "forbidden"},
		gloss: "access denied", blames: partRights, possible: setOf(partAuth, partPartner, partUser, partRights, partHost, partID),
		about: "denies access"},
	{cause: causeAuthNeeded, fragments: []string{"authentication needed", "authentication required", "unauthenticated", "unauthorized",
		"invalid token", "token is invalid", "token not found", "token expired", "user token",
		"необходима авторизация", "необходимо авторизоваться", "требуется авторизация", "не авторизован", "ошибка авторизации",
		"неверный токен", "токен не найден", "токен недействителен", "токен пользователя"},
		gloss: "authentication needed", blames: partAuth, specific: true, possible: setOf(partAuth, partPartner, partUser, partHost),
		about: "is about the tokens"},

	// [yc]: query filters.
	{cause: causeFilter, fragments: []string{"значение фильтра", "состояния фильтра", "filter value", "invalid filter"},
		gloss: "a filter value is not allowed", blames: partFields, specific: true, possible: setOf(partQuery, partFields, partBody),
		about: "names a filter value"},

	// [yc]: what was not found.
	{cause: causeNoLocation, fragments: []string{"не указан филиал", "location not specified", "location is not specified", "company not specified", "company is not specified"},
		gloss: "no location was given", blames: partPath, specific: true, possible: setOf(partPath, partID, partQuery),
		about: "says the call names no location"},
	{cause: causeLocation, match: locationNotFound,
		gloss: "the location was not found", blames: partID, specific: true, possible: setOf(partID),
		about: "says the location was not found"},
	{cause: causeNotFound, match: genericNotFound,
		gloss: "not found", blames: partPath, possible: setOf(partPath, partID, partMethod, partHost, partAccept),
		about: "says nothing was found"},
	{cause: causeObject, match: objectNotFound,
		gloss: "an object named in the call was not found", blames: partID, specific: true, possible: setOf(partID, partFields, partQuery, partBody),
		about: "names an object that was not found"},
}

// locationNotFound matches a "not found" whose subject is the location:
// "Филиал не найден.", "Филиал с id 123 не найден", "Company not found".
// "Сотрудник ... не найден в филиале ..." is about the team member.
func locationNotFound(lower string) bool {
	for _, w := range []string{"филиал", "компания", "салон", "location", "company", "salon", "the location", "the company"} {
		if strings.HasPrefix(lower, w) {
			return strings.Contains(lower, "не найден") || strings.Contains(lower, "not found") || strings.Contains(lower, "does not exist") || strings.Contains(lower, "не существует")
		}
	}
	return false
}

// genericNotFound matches the bare "not found" of a route or an object:
// it names nothing.
func genericNotFound(lower string) bool {
	s := strings.TrimRight(strings.TrimSpace(lower), ".!")
	switch s {
	case "не найдено", "not found", "404 not found", "resource not found", "page not found", "the requested resource was not found":
		return true
	}
	return strings.Contains(s, "ресурс по запрошенному пути не существует") || // [yc] RESOURCE_NOT_FOUND
		(strings.Contains(s, "route") && strings.Contains(s, "could not be found"))
}

// objectNotFound matches a "not found" that names what: "Сотрудник не
// найден.", "Услуга не найдена.", "Record not found".
func objectNotFound(lower string) bool {
	for _, f := range []string{"не найден", "not found", "не существует", "does not exist", "doesn't exist"} {
		if strings.Contains(lower, f) {
			return true
		}
	}
	return false
}

// matches says whether the known message matches text. The text is
// redacted: a placeholder such as {{partner_token}} in it is what the
// server echoed, not its words, and is left out.
func (km *knownMessage) matches(text string) bool {
	text = placeholderRE.ReplaceAllString(text, " ")
	lower := strings.ToLower(strings.Join(strings.Fields(text), " "))
	if lower == "" {
		return false
	}
	if km.match != nil {
		return km.match(lower)
	}
	for _, f := range km.fragments {
		if strings.Contains(lower, f) {
			return true
		}
	}
	return false
}

// matchAnswer finds the known message an envelope carries: an error code
// first, then the texts, most telling first (envelope.texts). It returns
// the message, the text that matched and its code.
func matchAnswer(e *envelope) (*knownMessage, string, int) {
	texts := e.texts()
	for _, t := range texts {
		for i := range knownMessages {
			km := &knownMessages[i]
			for _, code := range km.codes {
				if t.Code == code {
					return km, t.Message, t.Code
				}
			}
		}
	}
	for _, t := range texts {
		for i := range knownMessages {
			if km := &knownMessages[i]; km.matches(t.Message) {
				return km, t.Message, t.Code
			}
		}
	}
	return nil, "", 0
}

// glossed quotes a server text for a sentence, with its meaning in
// English when it is written in another script: `"Филиал не найден.",
// in English: the location was not found`.
func glossed(text, gloss string) string {
	q := quoted(text)
	if gloss != "" && strings.ContainsFunc(text, func(r rune) bool { return unicode.Is(unicode.Cyrillic, r) }) {
		q += ", in English: " + gloss
	}
	return q
}
