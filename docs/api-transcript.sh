#!/usr/bin/env bash
# Every endpoint of a running server, and error cases, as curl calls; regenerates docs/api-transcript.txt:
#   .venv/bin/qa serve &   # then:  bash docs/api-transcript.sh > docs/api-transcript.txt
# It adds two documents and deletes them again.
B=${B:-http://127.0.0.1:8000}
set -u
echo "# B=$B (qa serve on the default index)"; echo
run() { echo "\$ $*"; eval "$@"; echo; echo; }

run "curl -s \$B/health"
run "curl -s -X POST \$B/api/ask -H 'Content-Type: application/json' -d '{\"question\": \"When did fighting start?\", \"top_k\": 2}'"
SID=$(curl -s -X POST $B/api/ask -H 'Content-Type: application/json' -d '{"question": "How many civilians were killed in the Ganja attack?", "top_k": 1}' | python3 -c 'import sys,json; print(json.load(sys.stdin)["session_id"])')
run "curl -s -X POST \$B/api/ask -H 'Content-Type: application/json' -d '{\"question\": \"and how many were injured?\", \"top_k\": 1, \"session_id\": \"$SID\"}'"
run "curl -s \$B/api/sessions/$SID | python3 -c 'import sys,json; d=json.load(sys.stdin); print([(t[\"question\"], t[\"retrieval_query\"]) for t in d[\"turns\"]])'"
printf 'Lighthouse notes\n\nThe Zelbrook lighthouse was built in 1847 by Marta Kovac.\n' > /tmp/lighthouse.md
run "curl -s -i -X POST \$B/api/documents -F file=@/tmp/lighthouse.md | sed -n '1p;\$p'"
run "curl -s -X POST \$B/api/documents -H 'Content-Type: application/json' -d '{\"name\": \"ferry\", \"text\": \"The Tervani ferry is painted bright green.\"}'"
run "curl -s \"\$B/api/documents?limit=2&offset=0\""
ID=$(curl -s "$B/api/documents?limit=100" | python3 -c 'import sys,json; print([d["id"] for d in json.load(sys.stdin)["documents"] if d["name"]=="lighthouse.md"][0])')
run "curl -s \$B/api/documents/$ID"
run "curl -s -X POST \$B/api/ask -H 'Content-Type: application/json' -d '{\"question\": \"Who built the Zelbrook lighthouse?\", \"top_k\": 1}'"
run "curl -s -i -X DELETE \$B/api/documents/$ID | head -1"
run "curl -s \$B/metrics | grep -E '^qa_(index|http_requests_total)' | head -8"
run "curl -s \$B/openapi.json | python3 -c 'import sys,json; s=json.load(sys.stdin); print(s[\"openapi\"], sorted(s[\"paths\"]))'"
echo "# errors"; echo
run "curl -s -i -X POST \$B/api/ask -H 'Content-Type: application/json' -d '{\"question\": ' | sed -n '1p;\$p'"
run "curl -s -i -X POST \$B/api/ask -H 'Content-Type: application/json' -d '{\"question\": \"  \"}' | sed -n '1p;\$p'"
run "curl -s -i -X POST \$B/api/ask -H 'Content-Type: application/json' -d '{\"question\": \"When?\", \"top_k\": 500}' | sed -n '1p;\$p'"
run "curl -s -i \$B/api/documents/0000000000000000 | sed -n '1p;\$p'"
run "curl -s -i -X PUT \$B/api/ask | sed -n '1p;\$p'"
head -c 20000000 /dev/zero | tr '\0' 'a' > /tmp/big.txt
run "curl -s -i -X POST \$B/api/documents -F file=@/tmp/big.txt -H Expect: | sed -n '1p;\$p'"
printf 'MZ' > /tmp/tool.exe
run "curl -s -i -X POST \$B/api/documents -F file=@/tmp/tool.exe | sed -n '1p;\$p'"
# leave the default index as it was
FERRY=$(curl -s "$B/api/documents?limit=100" | python3 -c 'import sys,json; print(" ".join(d["id"] for d in json.load(sys.stdin)["documents"] if d["name"]=="ferry.txt"))')
for id in $FERRY; do curl -s -X DELETE "$B/api/documents/$id"; done
rm -f /tmp/big.txt /tmp/tool.exe /tmp/lighthouse.md
