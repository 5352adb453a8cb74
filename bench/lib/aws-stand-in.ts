/**
 * One HTTPS server on loopback that answers, over the wire, the AWS APIs the Lambdas call and that
 * have no local emulator (DynamoDB has DynamoDB Local), plus Slack incoming webhooks:
 *
 * - Secrets Manager `GetSecretValue` (JSON 1.1) from a fixed map of secret ARN -> JSON value;
 * - Step Functions `StartExecution` (JSON 1.0), handed to a callback (the local state machine runner);
 * - EventBridge `PutEvents` (JSON 1.1) and SNS `Publish` (query protocol, XML): recorded;
 * - CloudFormation `ListStackResources` (query protocol, XML): no resources;
 * - `POST /services/...` (a Slack webhook): recorded, answered `ok`.
 *
 * Bundled handlers in child processes reach it through `AWS_ENDPOINT_URL` (the SDK's documented
 * endpoint override; DynamoDB keeps its explicit endpoint) and a Slack webhook URL in their secret.
 * It is HTTPS because the Slack secret schema accepts only https URLs: a throwaway self-signed
 * certificate for 127.0.0.1 is made with `openssl` and given to the children in `NODE_EXTRA_CA_CERTS`.
 * Anything else is answered 400 and listed in `unexpected`, so an AWS call nobody planned for shows.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** A StartExecution request; resolve to the execution ARN, or throw an error whose `name` is the AWS error code. */
export type StartExecution = (request: { stateMachineArn: string; name: string | undefined; input: unknown }) => string;

/** Options of {@link startAwsStandIn}. */
export interface AwsStandInOptions {
  /** Secret ARN -> the JSON value `GetSecretValue` returns. */
  readonly secrets: Readonly<Record<string, unknown>>;
  readonly startExecution: StartExecution;
  /** Where the key and certificate are written. */
  readonly tlsDir: string;
}

/** One request the stand-in answered. */
export interface StandInCall {
  readonly service: 'secretsmanager' | 'sfn' | 'eventbridge' | 'sns' | 'cloudformation' | 'slack' | 'unexpected';
  readonly operation: string;
}

/** A started stand-in. */
export interface RunningAwsStandIn {
  /** `https://127.0.0.1:<port>`: the value of `AWS_ENDPOINT_URL`. */
  readonly url: string;
  /** A Slack incoming-webhook URL served by the stand-in. */
  readonly slackWebhookUrl: string;
  /** The certificate to trust (`NODE_EXTRA_CA_CERTS`). */
  readonly caFile: string;
  readonly calls: StandInCall[];
  /** Requests nobody planned for (service/operation), to report. */
  unexpected(): string[];
  close(): Promise<void>;
}

/** Starts the stand-in (see the file comment). */
export async function startAwsStandIn(options: AwsStandInOptions): Promise<RunningAwsStandIn> {
  const { keyFile, certFile } = selfSignedCertificate(options.tlsDir);
  const calls: StandInCall[] = [];
  const server: Server = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const reply = answer(request.method ?? 'GET', request.url ?? '/', String(request.headers['x-amz-target'] ?? ''), body, options, calls);
      response.writeHead(reply.status, { 'content-type': reply.contentType, 'x-amzn-requestid': randomUUID() });
      response.end(reply.body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    slackWebhookUrl: `${url}/services/TBENCH/BBENCH/bench-webhook`,
    caFile: certFile,
    calls,
    unexpected: () => calls.filter((call) => call.service === 'unexpected').map((call) => call.operation),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface Reply {
  readonly status: number;
  readonly contentType: string;
  readonly body: string;
}

const json = (status: number, value: unknown, version = '1.1'): Reply => ({ status, contentType: `application/x-amz-json-${version}`, body: JSON.stringify(value) });
const jsonError = (status: number, code: string, message: string, version = '1.1'): Reply => json(status, { __type: code, message }, version);
const xml = (body: string): Reply => ({ status: 200, contentType: 'text/xml', body });

function answer(method: string, url: string, target: string, body: string, options: AwsStandInOptions, calls: StandInCall[]): Reply {
  if (method === 'POST' && url.startsWith('/services/')) {
    calls.push({ service: 'slack', operation: 'webhook' });
    return { status: 200, contentType: 'text/plain', body: 'ok' };
  }
  if (target === 'secretsmanager.GetSecretValue') {
    calls.push({ service: 'secretsmanager', operation: 'GetSecretValue' });
    const { SecretId } = parseJson(body) as { SecretId?: string };
    const value = SecretId === undefined ? undefined : options.secrets[SecretId];
    if (value === undefined) return jsonError(400, 'ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    return json(200, { ARN: SecretId, Name: SecretId, SecretString: JSON.stringify(value), VersionId: 'bench', VersionStages: ['AWSCURRENT'], CreatedDate: Date.now() / 1000 });
  }
  if (target === 'AWSStepFunctions.StartExecution') {
    calls.push({ service: 'sfn', operation: 'StartExecution' });
    const request = parseJson(body) as { stateMachineArn?: string; name?: string; input?: string };
    try {
      const executionArn = options.startExecution({ stateMachineArn: String(request.stateMachineArn), name: request.name, input: parseJson(request.input ?? '{}') });
      return json(200, { executionArn, startDate: Date.now() / 1000 }, '1.0');
    } catch (error) {
      return jsonError(400, (error as Error).name || 'InvalidArn', (error as Error).message, '1.0');
    }
  }
  if (target === 'AWSEvents.PutEvents') {
    calls.push({ service: 'eventbridge', operation: 'PutEvents' });
    const { Entries = [] } = parseJson(body) as { Entries?: unknown[] };
    return json(200, { FailedEntryCount: 0, Entries: Entries.map(() => ({ EventId: randomUUID() })) });
  }
  const action = new URLSearchParams(body).get('Action');
  if (action === 'Publish') {
    calls.push({ service: 'sns', operation: 'Publish' });
    return xml(
      `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  }
  if (action === 'ListStackResources') {
    calls.push({ service: 'cloudformation', operation: 'ListStackResources' });
    return xml(
      `<ListStackResourcesResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><ListStackResourcesResult><StackResourceSummaries/></ListStackResourcesResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></ListStackResourcesResponse>`,
    );
  }
  calls.push({ service: 'unexpected', operation: `${method} ${url} ${target || action || '(no operation)'}` });
  return jsonError(400, 'UnknownOperationException', `the bench's AWS stand-in does not serve ${target || action || url}`);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return {};
  }
}

/** A key and a self-signed certificate for 127.0.0.1, valid for a day (made with the system's openssl). */
function selfSignedCertificate(dir: string): { keyFile: string; certFile: string } {
  mkdirSync(dir, { recursive: true });
  const keyFile = join(dir, 'stand-in.key');
  const certFile = join(dir, 'stand-in.crt');
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
  } catch (error) {
    throw new Error('the memory benchmark needs `openssl` to make a loopback certificate for its AWS/Slack stand-in', { cause: error });
  }
  return { keyFile, certFile };
}
