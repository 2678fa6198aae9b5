# Stripe's API reference style: -u key: (no password), repeated -d with
# brackets in the names, the key prompt-free.
curl http://127.0.0.1:18123/v1/customers \
  -u sk_test_4eC39HqLyjWDarjtT1zdp7dc: \
  -d description="Customer for ivan@example.com" \
  -d "metadata[order_id]"=6735 \
  -d "expand[]"=sources
