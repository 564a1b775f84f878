"""The AWS Price List Query API (JSON 1.1 protocol) for the local endpoint: GetProducts.

Fixture: DATA/pricing/products.json, a list of price-list products exactly as AWS
publishes them; GetProducts returns each matching one as a JSON string inside PriceList,
as the real API does. TERM_MATCH filters compare product attributes; pages hold at most
PAGE_SIZE products (fewer than MaxResults, as AWS may), with an opaque NextToken.
Errors look like JSON 1.1 errors: {"__type": ..., "message": ...} and x-amzn-ErrorType.
"""
import base64
import json
import os

JSON_TYPE = 'application/x-amz-json-1.1'
TARGET_PREFIX = 'AWSPriceListService.'
PAGE_SIZE = 2

REFUSALS = {
    'MissingAuth': (400, 'MissingAuthenticationTokenException', 'Missing Authentication Token'),
    'UnknownKey': (400, 'UnrecognizedClientException', 'The security token included in the request is invalid.'),
    'BadSignature': (400, 'InvalidSignatureException',
                     'The request signature we calculated does not match the signature you provided. '
                     'Check your AWS Secret Access Key and signing method. Consult the service '
                     'documentation for details.'),
    'BadToken': (400, 'UnrecognizedClientException', 'The security token included in the request is invalid.'),
    'Expired': (400, 'ExpiredTokenException', 'The security token included in the request is expired'),
    'Skewed': (400, 'InvalidSignatureException', 'Signature expired: the request time is too skewed.'),
}


class Request:
    def __init__(self, action, params):
        self.action = action
        self.params = params


def error(status, code, message):
    body = json.dumps({'__type': f'com.amazon.coral.service#{code}', 'message': message})
    return status, JSON_TYPE, body


class PricingService:
    name = 'pricing'
    s3_signing = False

    def __init__(self, data, faults):
        self.faults = faults
        path = os.path.join(data, 'pricing', 'products.json')
        with open(path, encoding='utf-8') as f:
            self.products = json.load(f)

    def parse(self, method, url, headers, body):
        target = headers.get('X-Amz-Target', '')
        action = target[len(TARGET_PREFIX):] if target.startswith(TARGET_PREFIX) else target
        try:
            params = json.loads(body or b'{}')
        except ValueError:
            params = {'_unparsable': body.decode('utf-8', 'replace')}
        return Request(action, params)

    def refusal(self, refusal, request_id):
        status, code, message = REFUSALS[refusal.code]
        return error(status, code, message)

    def throttled(self, request_id):
        return error(400, 'ThrottlingException', 'Rate exceeded')

    def handle(self, req, region, entry, request_id):
        p = req.params
        if req.action != 'GetProducts':
            return error(400, 'UnknownOperationException', '')
        if '_unparsable' in p or not isinstance(p, dict):
            return error(400, 'SerializationException', 'Start of structure or map found where not expected.')
        if req.action in self.faults.deny:
            return error(400, 'AccessDeniedException',
                         'User: arn:aws:iam::123456789012:user/trafficmap-test is not authorized to '
                         'perform: pricing:GetProducts because no identity-based policy allows the '
                         'pricing:GetProducts action')
        if p.get('ServiceCode') != 'AmazonEC2' or p.get('FormatVersion', 'aws_v1') != 'aws_v1':
            return error(400, 'InvalidParameterException', 'Input parameters are invalid.')
        filters = p.get('Filters', [])
        for f in filters:
            if f.get('Type') != 'TERM_MATCH' or 'Field' not in f or 'Value' not in f:
                return error(400, 'InvalidParameterException', 'Input parameters are invalid.')
        matching = [prod for prod in self.products
                    if all(prod['product']['attributes'].get(f['Field']) == f['Value'] for f in filters)]
        start = 0
        if p.get('NextToken'):
            try:
                start = int(base64.b64decode(p['NextToken']).decode().split(':')[1])
            except (ValueError, IndexError):
                return error(400, 'InvalidNextTokenException', 'The pagination token is invalid.')
        size = min(PAGE_SIZE, int(p.get('MaxResults', 100)))
        page = matching[start:start + size]
        entry['page'] = start // size + 1
        answer = {'FormatVersion': 'aws_v1', 'PriceList': [json.dumps(prod) for prod in page]}
        if start + size < len(matching):
            answer['NextToken'] = base64.b64encode(f'offset:{start + size}'.encode()).decode()
        return 200, JSON_TYPE, json.dumps(answer)
