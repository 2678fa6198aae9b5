# Postman's form-data snippet: --form 'file=@"/path"' and a text field.
curl --location 'http://127.0.0.1:18123/api/v1/company/4564/image' \
--header 'Authorization: Bearer partnertoken, User usertoken' \
--form 'image=@"pic.png"' \
--form 'title="Logo"'
