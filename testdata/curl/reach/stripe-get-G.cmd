# Stripe's list call: -G with -d for the query.
curl -G http://127.0.0.1:18123/v1/charges \
  -u sk_test_4eC39HqLyjWDarjtT1zdp7dc: \
  -d limit=3 \
  -d "created[gte]"=1700000000
