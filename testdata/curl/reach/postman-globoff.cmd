# Postman's cURL snippet for a URL with [ ]: --globoff before the URL.
curl --location --globoff 'http://127.0.0.1:18123/api/v1/records/4564?filter[staff_id]=8886&page=1' \
--header 'Accept: application/vnd.api.v2+json' \
--header 'Authorization: Bearer partnertoken, User usertoken'
