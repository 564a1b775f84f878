/*
 * pricing.c - GetProducts requests and answers: JSON built and read with json-c, the price
 * list products (JSON inside JSON strings) searched for their on-demand hourly price.
 */
#include "pricing.h"

#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"

/* What an ordinary instance pays: the filters every request carries besides type and region. */
static const char *const fixed_filters[][2] = {
	{"operatingSystem", "Linux"},
	{"tenancy", "Shared"},
	{"preInstalledSw", "NA"},
	{"capacitystatus", "Used"},
};

static tm_result
add_filter(json_object *filters, const char *field, const char *value)
{
	json_object *f = json_object_new_object();

	if (f == NULL)
		return TM_ERR_NOMEM;
	json_object_object_add(f, "Type", json_object_new_string("TERM_MATCH"));
	json_object_object_add(f, "Field", json_object_new_string(field));
	json_object_object_add(f, "Value", json_object_new_string(value));
	if (json_object_array_add(filters, f) != 0)
	{
		json_object_put(f);
		return TM_ERR_NOMEM;
	}
	return TM_OK;
}

tm_result
pricing_request_body(const char *instance_type, const char *region, const char *next_token,
					 tm_buf *out)
{
	json_object *req = json_object_new_object();
	json_object *filters = json_object_new_array();
	tm_result	r = TM_ERR_NOMEM;
	size_t		i;

	if (req == NULL || filters == NULL)
	{
		json_object_put(filters);
		goto out;
	}
	json_object_object_add(req, "ServiceCode", json_object_new_string("AmazonEC2"));
	json_object_object_add(req, "FormatVersion", json_object_new_string("aws_v1"));
	json_object_object_add(req, "MaxResults", json_object_new_int(100));
	json_object_object_add(req, "Filters", filters);
	r = add_filter(filters, "instanceType", instance_type);
	if (r == TM_OK)
		r = add_filter(filters, "regionCode", region);
	for (i = 0; i < TM_ARRAY_LEN(fixed_filters) && r == TM_OK; i++)
		r = add_filter(filters, fixed_filters[i][0], fixed_filters[i][1]);
	if (r == TM_OK && next_token != NULL)
		json_object_object_add(req, "NextToken", json_object_new_string(next_token));
	if (r == TM_OK)
	{
		buf_reset(out);
		r = buf_adds(out, json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
														 JSON_C_TO_STRING_NOSLASHESCAPE));
	}
out:
	json_object_put(req);
	return r;
}

/* A member of an object by path of keys, NULL when any step is missing or not an object. */
static json_object *
path(json_object *o, const char *const *keys, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++)
	{
		if (o == NULL || !json_object_is_type(o, json_type_object) ||
			!json_object_object_get_ex(o, keys[i], &o))
			return NULL;
	}
	return o;
}

static const char *
string_at(json_object *o, const char *const *keys, size_t n)
{
	json_object *v = path(o, keys, n);

	return v != NULL && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* A price as the list writes it: digits with one point ("0.0960000000"). */
static bool
price_valid(const char *s)
{
	size_t		digits = strspn(s, "0123456789");

	if (digits == 0 || digits > 20)
		return false;
	if (s[digits] == '\0')
		return true;
	return s[digits] == '.' && strspn(s + digits + 1, "0123456789") == strlen(s + digits + 1) &&
		strlen(s + digits + 1) <= 20;
}

/* The on-demand hourly USD price of one product, NULL when it has none. */
static const char *
on_demand_price(json_object *product)
{
	static const char *const on_demand[] = {"terms", "OnDemand"};
	static const char *const usd[] = {"pricePerUnit", "USD"};
	static const char *const unit[] = {"unit"};
	json_object *offers = path(product, on_demand, TM_ARRAY_LEN(on_demand));
	json_object *dims;
	const char *price;

	if (offers == NULL || !json_object_is_type(offers, json_type_object))
		return NULL;
	json_object_object_foreach(offers, offer_key, offer)
	{
		(void) offer_key;
		if (!json_object_object_get_ex(offer, "priceDimensions", &dims) ||
			!json_object_is_type(dims, json_type_object))
			continue;
		json_object_object_foreach(dims, dim_key, dim)
		{
			const char *u = string_at(dim, unit, 1);

			(void) dim_key;
			price = string_at(dim, usd, TM_ARRAY_LEN(usd));
			if (u != NULL && strcmp(u, "Hrs") == 0 && price != NULL)
				return price;
		}
	}
	return NULL;
}

tm_result
pricing_parse_products(const char *json, size_t len, const char *instance_type,
					   const char *region, char **price, char **next_token, tm_problems *p)
{
	static const char *const attr_type[] = {"product", "attributes", "instanceType"};
	static const char *const attr_region[] = {"product", "attributes", "regionCode"};
	json_tokener *tok = NULL;
	json_object *doc = NULL;
	json_object *list;
	json_object *v;
	long		errors = p->errors;
	size_t		i;
	tm_result	r = TM_OK;

	*next_token = NULL;
	if (len > (size_t) INT_MAX)
	{
		problem(p, 0, "the answer is larger than %d bytes", INT_MAX);
		return TM_ERR_FORMAT;
	}
	tok = json_tokener_new();
	if (tok == NULL)
		return TM_ERR_NOMEM;
	doc = json_tokener_parse_ex(tok, json, (int) len);
	if (doc == NULL || json_tokener_get_error(tok) != json_tokener_success ||
		(size_t) json_tokener_get_parse_end(tok) != len || !json_object_is_type(doc, json_type_object))
	{
		problem(p, 0, "the answer is not a JSON object (%s); was it cut short?",
				json_tokener_error_desc(json_tokener_get_error(tok)));
		goto out;
	}
	if (!json_object_object_get_ex(doc, "PriceList", &list) || !json_object_is_type(list, json_type_array))
	{
		problem(p, 0, "the answer has no PriceList array");
		goto out;
	}
	for (i = 0; i < json_object_array_length(list) && r == TM_OK; i++)
	{
		json_object *entry = json_object_array_get_idx(list, i);
		json_object *product;
		const char *t;
		const char *rg;
		const char *found;

		if (!json_object_is_type(entry, json_type_string))
		{
			problem(p, 0, "PriceList[%zu] is not a JSON string", i);
			continue;
		}
		product = json_tokener_parse(json_object_get_string(entry));
		if (product == NULL)
		{
			problem(p, 0, "PriceList[%zu] does not hold a JSON product", i);
			continue;
		}
		t = string_at(product, attr_type, TM_ARRAY_LEN(attr_type));
		rg = string_at(product, attr_region, TM_ARRAY_LEN(attr_region));
		found = on_demand_price(product);
		if (t == NULL || rg == NULL || strcmp(t, instance_type) != 0 || strcmp(rg, region) != 0)
			verbosef("GetProducts %s %s: skipping a product for %s in %s", instance_type, region,
					 t != NULL ? t : "no type", rg != NULL ? rg : "no region");
		else if (found != NULL && !price_valid(found))
			problem(p, 0, "PriceList[%zu]: the on-demand price '%s' is not a number", i, found);
		else if (found != NULL && *price == NULL)
		{
			*price = strdup(found);
			if (*price == NULL)
				r = TM_ERR_NOMEM;
		}
		json_object_put(product);
	}
	if (r == TM_OK && json_object_object_get_ex(doc, "NextToken", &v) &&
		json_object_is_type(v, json_type_string) && json_object_get_string_len(v) > 0)
	{
		*next_token = strdup(json_object_get_string(v));
		if (*next_token == NULL)
			r = TM_ERR_NOMEM;
	}
out:
	json_object_put(doc);
	json_tokener_free(tok);
	if (r == TM_OK && p->errors > errors)
		r = TM_ERR_FORMAT;
	return r;
}

tm_result
pricing_on_demand(aws_client *c, const char *endpoint, const char *instance_type,
				  const char *region, char **price, aws_failure *failure)
{
	tm_buf		body;
	tm_buf		answer;
	char		what[256];
	char	   *token = NULL;
	char	   *next = NULL;
	int			page;
	tm_result	r = TM_OK;
	aws_call	call = {endpoint, "pricing", PRICING_REGION, AWS_PROTOCOL_JSON,
		"AWSPriceListService.GetProducts", "pricing:GetProducts", what};

	*price = NULL;
	*failure = AWS_FAIL_NONE;
	buf_init(&body, 64 * 1024);
	buf_init(&answer, AWS_ANSWER_MAX);
	for (page = 1; page <= PRICING_MAX_PAGES && r == TM_OK; page++)
	{
		tm_problems p;

		snprintf(what, sizeof(what), "pricing GetProducts %.64s in %.64s, page %d", instance_type, region, page);
		r = pricing_request_body(instance_type, region, token, &body);
		if (r == TM_OK)
			r = aws_request(c, &call, body.data, body.len, &answer, failure);
		if (r != TM_OK)
			break;
		problems_init(&p, what);
		r = pricing_parse_products(answer.data != NULL ? answer.data : "", answer.len, instance_type,
								   region, price, &next, &p);
		free(token);
		token = next;
		next = NULL;
		if (r == TM_ERR_FORMAT)
			*failure = AWS_FAIL_REQUEST;
		if (r != TM_OK || token == NULL || *price != NULL)
			break;
	}
	if (r == TM_OK && token != NULL && *price == NULL)
		verbosef("pricing GetProducts %s in %s: no on-demand price in %d pages", instance_type, region, PRICING_MAX_PAGES);
	free(token);
	buf_free(&body);
	buf_free(&answer);
	if (r != TM_OK)
	{
		free(*price);
		*price = NULL;
	}
	return r;
}
