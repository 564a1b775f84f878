"""SigV4 verification for the local AWS endpoints, done by botocore, not by us.

The server never trusts the client's arithmetic: it rebuilds the request botocore would have
signed (method, path, query, the headers the client says it signed, the body) and lets
botocore's own SigV4Auth compute the canonical request, the string to sign and the
signature with the secret the server knows for that access key. Only the comparison and
the parsing of the Authorization header are ours.
"""
import datetime
import hmac
import re

from botocore.auth import SigV4Auth, S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

AUTH_RE = re.compile(
    r'^AWS4-HMAC-SHA256 Credential=(?P<akid>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/'
    r'(?P<service>[^/]+)/aws4_request, ?SignedHeaders=(?P<signed>[a-z0-9;-]+), ?'
    r'Signature=(?P<sig>[0-9a-f]{64})$')

MAX_SKEW = datetime.timedelta(minutes=15)


class Refusal(Exception):
    """A request the real service would refuse before running it: (code, message, status)."""

    def __init__(self, code, message, status):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


class Key:
    """An access key the endpoint knows: its secret, its session token, whether it expired."""

    def __init__(self, akid, secret, token=None, expired=False):
        self.akid = akid
        self.secret = secret
        self.token = token
        self.expired = expired


def parse_authorization(value):
    """The scope and signature of an Authorization header, or None if it is not SigV4."""
    m = AUTH_RE.match(value or '')
    if m is None:
        return None
    return m.groupdict()


def verify(method, path, headers, body, keys, s3=False):
    """Check a request's SigV4 signature; return (akid, region, service) or raise Refusal.

    headers is a list of (name, value) as received; keys maps access key ids to Key.
    Refusals use neutral codes (MissingAuth, UnknownKey, BadSignature, Expired, Skewed,
    BadToken) that each service turns into its own error answer.
    """
    hdrs = {}
    for name, value in headers:
        hdrs.setdefault(name.lower(), []).append(value)
    auth = parse_authorization(';'.join(hdrs.get('authorization', [])))
    if auth is None:
        raise Refusal('MissingAuth', 'no SigV4 Authorization header', 400)
    amz_date = ''.join(hdrs.get('x-amz-date', []))
    try:
        when = datetime.datetime.strptime(amz_date, '%Y%m%dT%H%M%SZ')
    except ValueError:
        raise Refusal('MissingAuth', 'no valid X-Amz-Date header', 400)
    if amz_date[:8] != auth['date']:
        raise Refusal('BadSignature', 'credential scope date differs from X-Amz-Date', 403)
    signed = auth['signed'].split(';')
    for required in ('host', 'x-amz-date'):
        if required not in signed:
            raise Refusal('BadSignature', f'{required} is not among the signed headers', 403)
    key = keys.get(auth['akid'])
    if key is None:
        raise Refusal('UnknownKey', 'unknown access key id', 401)
    token = ''.join(hdrs.get('x-amz-security-token', []))
    if key.token is not None:
        if token != key.token:
            raise Refusal('BadToken', 'missing or wrong session token', 401)
        if 'x-amz-security-token' not in signed:
            raise Refusal('BadSignature', 'the session token is not signed', 403)
    elif token:
        raise Refusal('BadToken', 'a session token for long-term credentials', 401)

    # The request as botocore would sign it: only the headers the client signed.
    request = AWSRequest(method=method, url='http://' + ''.join(hdrs.get('host', [''])) + path,
                         data=body)
    for name in signed:
        if name not in hdrs:
            raise Refusal('BadSignature', f'signed header {name} is missing', 403)
        request.headers[name] = ','.join(hdrs[name])
    request.context['timestamp'] = amz_date
    signer_class = S3SigV4Auth if s3 else SigV4Auth
    signer = signer_class(Credentials(key.akid, key.secret, key.token), auth['service'],
                          auth['region'])
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if not hmac.compare_digest(expected, auth['sig']):
        raise Refusal('BadSignature', 'signature does not match', 403)
    # Checked after the signature, as AWS does: a forged request learns nothing.
    if key.expired:
        raise Refusal('Expired', 'the session token has expired', 400)
    now = datetime.datetime.utcnow()
    if abs(now - when) > MAX_SKEW:
        raise Refusal('Skewed', 'the request time is more than 15 minutes off', 400)
    return key.akid, auth['region'], auth['service']
