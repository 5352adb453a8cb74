/**
 * Mints RS256 JWTs shaped like the ZDX example token (header `{alg, typ, kid}`, claims `{sub, aud,
 * iat, exp}`) and signs them with a real RSA key, so `/oauth/jwks` can verify them. The key pair
 * is generated once per process (about 50 ms) and shared by every simulator in it.
 */
import { createHash, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';

interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: Record<string, unknown>;
}

let signingKey: SigningKey | undefined;

function key(): SigningKey {
  if (!signingKey) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const kid = createHash('sha256').update(String(jwk.n)).digest('base64url').slice(0, 43);
    signingKey = { kid, privateKey, jwk: { ...jwk, kid, use: 'sig', alg: 'RS256' } };
  }
  return signingKey;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Signs a JWT with the simulator's RSA key. `jti` makes every token distinct. */
export function mintJwt(claims: Record<string, unknown>): string {
  const { kid, privateKey } = key();
  const header = { alg: 'RS256', typ: 'JWT', kid };
  const body = { ...claims, jti: randomBytes(12).toString('base64url') };
  const signingInput = `${b64(header)}.${b64(body)}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** The JWKS document (`{ keys: [...] }`) that verifies minted tokens. */
export function jwks(): { keys: Record<string, unknown>[] } {
  return { keys: [key().jwk] };
}
