'use strict';
/**
 * The baseline for benchmark (b): a bare node:http server that answers POST /availability with a fixed JSON body
 * (the middleware's own answer, fetched once), reading the request body first as the middleware does. Nothing
 * else: no validation, no headers beyond the essentials, no logging. The practical ceiling for this answer here.
 *
 * Usage: node bench/bare-server.cjs <port> <json-body>
 */
const http = require('node:http');

const port = Number(process.argv[2]);
const body = Buffer.from(process.argv[3] ?? '{}');

const server = http.createServer((req, res) => {
  req.on('data', () => undefined);
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => process.stdout.write(`listening ${port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
