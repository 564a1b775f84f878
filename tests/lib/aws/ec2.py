"""The EC2 Query API (Version 2016-11-15) for the local endpoint: answers from fixture files.

Fixtures live in DATA/ec2/: DescribeRegions.xml, and per region REGION/ACTION.N.xml, the
N-th page of ACTION's answer, exactly as EC2 sends it. A page's <nextToken> names the next
page; the client must send it back verbatim (EC2's tokens contain '=', '+' and '/'). A
region or action without fixture files answers an empty list, as an empty region does.
DescribeSpotPriceHistory honours the InstanceType.N and ProductDescription.N filters.
Errors look like EC2's: <Response><Errors><Error><Code/><Message/></Error></Errors>.
"""
import glob
import os
import re
import xml.etree.ElementTree as ET
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

NS = 'http://ec2.amazonaws.com/doc/2016-11-15/'
VERSION = '2016-11-15'
XML_TYPE = 'text/xml;charset=UTF-8'

# The element holding each paged action's list, for the empty answer.
LIST_ELEMENT = {
    'DescribeInstances': 'reservationSet',
    'DescribeSecurityGroups': 'securityGroupInfo',
    'DescribeSpotPriceHistory': 'spotPriceHistorySet',
}
# MaxResults bounds of the EC2 API reference.
MAX_RESULTS = {
    'DescribeInstances': (5, 1000),
    'DescribeSecurityGroups': (5, 1000),
    'DescribeSpotPriceHistory': (1, 1000),
}

# What EC2 says for each way a signature check can fail (sigv4.Refusal codes).
REFUSALS = {
    'MissingAuth': (401, 'AuthFailure', 'AWS was not able to validate the provided access credentials'),
    'UnknownKey': (401, 'AuthFailure', 'AWS was not able to validate the provided access credentials'),
    'BadSignature': (401, 'AuthFailure', 'AWS was not able to validate the provided access credentials'),
    'BadToken': (401, 'AuthFailure', 'AWS was not able to validate the provided access credentials'),
    'Expired': (400, 'RequestExpired', 'Request has expired.'),
    'Skewed': (400, 'RequestExpired', 'Request has expired.'),
}

TOKEN_RE = re.compile(r'<nextToken>([^<]*)</nextToken>')
REQUEST_ID_RE = re.compile(r'<requestId>[^<]*</requestId>')


class Request:
    def __init__(self, action, params):
        self.action = action
        self.params = params


def error(status, code, message, request_id):
    body = ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<Response><Errors><Error><Code>{escape(code)}</Code>'
            f'<Message>{escape(message)}</Message></Error></Errors>'
            f'<RequestID>{request_id}</RequestID></Response>')
    return status, XML_TYPE, body


def unescape_token(text):
    return text.replace('&lt;', '<').replace('&gt;', '>').replace('&quot;', '"').replace('&amp;', '&')


class Ec2Service:
    name = 'ec2'
    s3_signing = False

    def __init__(self, data, faults):
        self.dir = os.path.join(data, 'ec2')
        self.faults = faults
        # (region, action) -> [page texts]; (region, action, token) -> page number
        self.pages = {}
        self.tokens = {}
        for path in glob.glob(os.path.join(self.dir, '*', '*.xml')):
            region = os.path.basename(os.path.dirname(path))
            action, number, _ = os.path.basename(path).split('.')
            self.pages.setdefault((region, action), {})[int(number)] = open(path, encoding='utf-8').read()
        for (region, action), pages in self.pages.items():
            for n, text in pages.items():
                m = TOKEN_RE.search(text)
                if m and m.group(1):
                    self.tokens[(region, action, unescape_token(m.group(1)))] = n + 1
        with open(os.path.join(self.dir, 'DescribeRegions.xml'), encoding='utf-8') as f:
            self.regions = f.read()

    def parse(self, method, url, headers, body):
        text = body.decode('utf-8') if method == 'POST' else url.query
        pairs = parse_qsl(text, keep_blank_values=True)
        params = {}
        for k, v in pairs:
            params[k] = v
        return Request(params.get('Action', ''), params)

    def refusal(self, refusal, request_id):
        status, code, message = REFUSALS[refusal.code]
        return error(status, code, message, request_id)

    def throttled(self, request_id):
        return error(503, 'RequestLimitExceeded', 'Request limit exceeded.', request_id)

    def handle(self, req, region, entry, request_id):
        p = req.params
        if p.get('Version') != VERSION:
            return error(400, 'NoSuchVersion',
                         f'The requested version ({p.get("Version")}) of service AmazonEC2 does not exist',
                         request_id)
        if req.action in self.faults.deny:
            return error(403, 'UnauthorizedOperation',
                         'You are not authorized to perform this operation. User: '
                         'arn:aws:iam::123456789012:user/trafficmap-test is not authorized to perform: '
                         f'ec2:{req.action} because no identity-based policy allows the '
                         f'ec2:{req.action} action', request_id)
        if req.action == 'DescribeRegions':
            entry['page'] = 1
            return 200, XML_TYPE, self.with_request_id(self.regions, request_id)
        if req.action not in LIST_ELEMENT:
            return error(400, 'InvalidAction',
                         f'The action {req.action} is not valid for this web service.', request_id)
        if 'MaxResults' in p:
            lo, hi = MAX_RESULTS[req.action]
            if not p['MaxResults'].isdigit() or not lo <= int(p['MaxResults']) <= hi:
                return error(400, 'InvalidParameterValue',
                             f'Value ( {p["MaxResults"]} ) for parameter maxResults is invalid. '
                             f'Expecting a value between {lo} and {hi}.', request_id)
        page = 1
        if p.get('NextToken'):
            page = self.tokens.get((region, req.action, p['NextToken']))
            if page is None:
                return error(400, 'InvalidParameterValue',
                             f'Invalid value \'{p["NextToken"]}\' for nextToken', request_id)
        entry['page'] = page
        fault = self.faults.page_fault(region, req.action, page)
        if fault == 'fail':
            entry['fault'] = 'fail'
            return error(500, 'InternalError', 'An internal error has occurred', request_id)
        text = self.pages.get((region, req.action), {}).get(page)
        if text is None:
            text = (f'<?xml version="1.0" encoding="UTF-8"?>\n<{req.action}Response xmlns="{NS}">'
                    f'<requestId/><{LIST_ELEMENT[req.action]}/></{req.action}Response>')
        if req.action == 'DescribeSpotPriceHistory':
            text = self.filter_spot(text, p)
        text = self.with_request_id(text, request_id)
        if fault == 'malformed':
            entry['fault'] = 'malformed'
            text = text[:len(text) // 2]
        return 200, XML_TYPE, text

    def with_request_id(self, text, request_id):
        return REQUEST_ID_RE.sub(f'<requestId>{request_id}</requestId>', text, count=1)

    def filter_spot(self, text, p):
        """Keep the prices of the instance types and products asked for, as EC2 does."""
        types = {v for k, v in p.items() if re.fullmatch(r'InstanceType\.\d+', k)}
        products = {v for k, v in p.items() if re.fullmatch(r'ProductDescription\.\d+', k)}
        ET.register_namespace('', NS)
        root = ET.fromstring(text)
        history = root.find(f'{{{NS}}}spotPriceHistorySet')
        for item in list(history):
            itype = item.findtext(f'{{{NS}}}instanceType')
            product = item.findtext(f'{{{NS}}}productDescription')
            if (types and itype not in types) or (products and product not in products):
                history.remove(item)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding='unicode')
