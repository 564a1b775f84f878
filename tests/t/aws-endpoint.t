#!/usr/bin/env bash
# The local AWS endpoint is itself tested: its fixtures have the shapes of botocore's EC2
# model, Debian's aws CLI can page through it, and botocore's signature check refuses a
# wrong secret, a tampered body and an unknown key with the real EC2 and Pricing errors.
. "$(dirname "$0")/../lib/common.sh"
. "$TM_TESTS/lib/aws.sh"
need /usr/bin/python3 /usr/bin/aws curl
tmp=$(tm_tempdir)
aws_isolate "$tmp"

"$AWS_PY" "$TM_TESTS/lib/aws/shapes.py" "$AWS_DATA"/ec2/*.xml "$AWS_DATA"/ec2/*/*.xml >"$tmp/shapes" 2>&1
ok $? "every EC2 fixture element is a member of its shape in botocore's EC2 model"
[ -s "$tmp/shapes" ] && diag "$(cat "$tmp/shapes")"

# The validator is not a rubber stamp.
sed 's/<instanceType>m5.large</<instanceKind>m5.large</; s/<\/instanceType>/<\/instanceKind>/' \
	"$AWS_DATA/ec2/us-east-1/DescribeInstances.1.xml" >"$tmp/DescribeInstances.xml"
"$AWS_PY" "$TM_TESTS/lib/aws/shapes.py" "$tmp/DescribeInstances.xml" >/dev/null 2>&1
is $? 1 "the shape check refuses an element EC2 does not have"

aws_endpoint_start "$tmp" --key AKIDENDPOINTTEST:endpoint-secret
export AWS_ACCESS_KEY_ID=AKIDENDPOINTTEST AWS_SECRET_ACCESS_KEY=endpoint-secret
awsx() { /usr/bin/aws --endpoint-url "$AWS_URL" --output json "$@"; }

ids=$(awsx --region us-east-1 ec2 describe-instances --query 'Reservations[].Instances[].InstanceId' --output text)
is "$(tr '\t' '\n' <<<"$ids" | sort | tr '\n' ' ')" \
	"i-0a1b2c3d4e5f60001 i-0a1b2c3d4e5f60002 i-0a1b2c3d4e5f60003 i-0a1b2c3d4e5f60004 i-0a1b2c3d4e5f60005 " \
	"aws ec2 describe-instances pages through all three pages of us-east-1"
tokens=$(grep -c '"NextToken": "[^"]*=' "$AWS_LOG")
is "$tokens" 2 "the NextToken values sent back contain '='"

n=$(awsx --region us-west-2 ec2 describe-security-groups --query 'length(SecurityGroups)')
is "$n" 1 "security groups per region"
prices=$(awsx --region us-east-1 ec2 describe-spot-price-history --instance-types c5.xlarge \
	--product-descriptions Linux/UNIX --query 'SpotPriceHistory[].SpotPrice' --output text | tr -s '\t\n' '  ')
is "$prices" "0.065200 0.061700 0.063900 " "spot prices are filtered by type and product"
n=$(awsx --region us-east-1 pricing get-products --service-code AmazonEC2 \
	--filters Type=TERM_MATCH,Field=instanceType,Value=m5.large Type=TERM_MATCH,Field=regionCode,Value=us-east-1 \
	Type=TERM_MATCH,Field=operatingSystem,Value=Linux --query 'length(PriceList)')
is "$n" 4 "GetProducts applies TERM_MATCH filters and pages"

out=$(AWS_SECRET_ACCESS_KEY=wrong awsx --region us-east-1 ec2 describe-regions 2>&1)
like "$out" 'AuthFailure.*AWS was not able to validate the provided access credentials' \
	"a wrong secret gets EC2's AuthFailure"
out=$(AWS_SECRET_ACCESS_KEY=wrong awsx --region us-east-1 pricing get-products --service-code AmazonEC2 2>&1)
like "$out" 'InvalidSignatureException' "and Pricing's InvalidSignatureException"
out=$(AWS_ACCESS_KEY_ID=AKIDUNKNOWN awsx --region us-east-1 ec2 describe-regions 2>&1)
like "$out" 'AuthFailure' "an unknown key gets AuthFailure"

# A signature replayed with another body: the signature covers the payload hash.
curl -sv -o /dev/null --aws-sigv4 aws:amz:us-east-1:ec2 --user AKIDENDPOINTTEST:endpoint-secret \
	-d 'Action=DescribeRegions&Version=2016-11-15' "$AWS_URL/" 2>"$tmp/curl.trace"
is "$(grep -c '^< HTTP/1.1 200' "$tmp/curl.trace")" 1 "curl's --aws-sigv4 POST is accepted"
authz=$(sed -n 's/^> Authorization: //p' "$tmp/curl.trace" | tr -d '\r')
date=$(sed -n 's/^> X-Amz-Date: //p' "$tmp/curl.trace" | tr -d '\r')
body=$(curl -s -H "Authorization: $authz" -H "X-Amz-Date: $date" \
	-d 'Action=DescribeInstances&Version=2016-11-15' "$AWS_URL/")
like "$body" '<Code>AuthFailure</Code>' "the same signature on another body is refused"
grep -q '"refused": "BadSignature"' "$AWS_LOG"
ok $? "the refusals are logged with their reason"
done_testing
