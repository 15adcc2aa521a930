// Crafts ID tokens for refusal tests, beside the real ones the provider
// issues: claims chosen by the test, signed in ways a CA must refuse.
//
// usage: node mint.js KEYS_FILE MODE CLAIMS_JSON
//   KEYS_FILE  the private JWKS provider.js wrote
//   MODE       provider  RS256 with the provider's own key (kid rs-1): a
//                        genuine signature over claims the test chose
//              foreign   RS256 with a fresh key NOT in the JWKS, same kid
//              none      alg "none", empty signature
//              hs256     HS256 keyed with the provider's PUBLIC key (PEM),
//                        the classic key-confusion attack
// Prints the compact JWS.
import { createHmac, createPrivateKey, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [keysFile, mode, claimsJson] = process.argv.slice(2);
if (!keysFile || !mode || !claimsJson) {
  console.error('usage: node mint.js KEYS_FILE provider|foreign|none|hs256 CLAIMS_JSON');
  process.exit(2);
}
const rsJwk = JSON.parse(readFileSync(keysFile, 'utf8')).keys.find((k) => k.kid === 'rs-1');
const b64url = (buf) => Buffer.from(buf).toString('base64url');
const encode = (obj) => b64url(JSON.stringify(obj));
const claims = encode(JSON.parse(claimsJson));

function rs256(privateKey) {
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: 'rs-1' })}.${claims}`;
  return `${input}.${b64url(sign('sha256', Buffer.from(input), privateKey))}`;
}

switch (mode) {
  case 'provider':
    console.log(rs256(createPrivateKey({ key: rsJwk, format: 'jwk' })));
    break;
  case 'foreign':
    console.log(rs256(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey));
    break;
  case 'none':
    console.log(`${encode({ alg: 'none', typ: 'JWT' })}.${claims}.`);
    break;
  case 'hs256': {
    const pem = createPublicKey({ key: rsJwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    const input = `${encode({ alg: 'HS256', typ: 'JWT', kid: 'rs-1' })}.${claims}`;
    console.log(`${input}.${b64url(createHmac('sha256', pem).update(input).digest())}`);
    break;
  }
  default:
    console.error(`unknown mode ${mode}`);
    process.exit(2);
}
