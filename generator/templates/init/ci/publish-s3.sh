#!/bin/sh
# Written by `statuspress init --host s3`: upload the public site to an S3 bucket (or any
# S3-compatible storage: set AWS_ENDPOINT_URL) with the Content-Type and Cache-Control of each
# kind of file. Fingerprinted assets go first, so no page names one that is not uploaded yet;
# the last pass deletes what the site no longer holds. `_headers` is not uploaded (S3 does not
# read it; see the README for the security headers, which CloudFront adds).
#   S3_BUCKET=my-status-bucket sh publish-s3.sh [site/public]
set -eu
site="${1:-site/public}"
bucket="s3://${S3_BUCKET:?set S3_BUCKET to the name of the bucket}"
[% for line in cache_variables %]
[[ line ]]
[% endfor %]
[% for command in aws_commands %]
[[ command ]]
[% endfor %]
