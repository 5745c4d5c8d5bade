// tsyringe, which @peculiar/x509 uses, wants the Reflect metadata API before it loads.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';

/** The files `mock --tls` writes, and their contents for `serveMock`'s `tls` option. */
export interface TlsFiles {
  dir: string;
  /** The local CA's certificate: what a client trusts (NODE_EXTRA_CA_CERTS). */
  caPath: string;
  certPath: string;
  keyPath: string;
  ca: string;
  cert: string;
  key: string;
}

const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
// Node's WebCrypto, typed as the DOM one the library names (this project compiles without the DOM types).
const crypto = webcrypto as unknown as NonNullable<
  Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[1]
>;
const dayMs = 24 * 60 * 60 * 1000;

/**
 * Makes a local CA and a server certificate for 127.0.0.1 and localhost signed by it, and writes ca.pem, cert.pem
 * and key.pem to `dir`. A fresh CA each time, whose key stays in memory and is dropped: nobody can sign anything
 * else with it, and the file names stay the same, so an exported NODE_EXTRA_CA_CERTS keeps pointing at the CA of
 * the mock that runs now (a client started before a restart must restart too).
 */
export async function makeTlsFiles(dir: string, now = new Date()): Promise<TlsFiles> {
  const { ca, cert, key } = await makeTlsMaterial(now);
  const files: TlsFiles = {
    dir,
    caPath: join(dir, 'ca.pem'),
    certPath: join(dir, 'cert.pem'),
    keyPath: join(dir, 'key.pem'),
    ca,
    cert,
    key,
  };
  mkdirSync(dir, { recursive: true });
  writeFileSync(files.caPath, `${files.ca}\n`);
  writeFileSync(files.certPath, `${files.cert}\n`);
  writeFileSync(files.keyPath, `${files.key}\n`, { mode: 0o600 });
  return files;
}

/**
 * The same CA, certificate and key in memory only: what a run serving its embedded mock over TLS needs (the run's
 * own transport trusts the CA; nothing outlives the run).
 */
export async function makeTlsMaterial(now = new Date()): Promise<{ ca: string; cert: string; key: string }> {
  const notBefore = new Date(now.getTime() - 60_000); // a client whose clock lags a little still accepts it
  const notAfter = new Date(now.getTime() + 30 * dayMs);
  const caKeys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const caCert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: serialNumber(),
      name: 'CN=scalekit-conformance mock local CA',
      notBefore,
      notAfter,
      keys: caKeys,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const leafKeys = await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify']);
  const leafCert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: serialNumber(),
      subject: 'CN=127.0.0.1',
      issuer: caCert.subject,
      notBefore,
      notAfter,
      publicKey: leafKeys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: algorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([
          { type: 'ip', value: '127.0.0.1' },
          { type: 'dns', value: 'localhost' },
        ]),
        await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey, false, crypto),
        await x509.AuthorityKeyIdentifierExtension.create(caCert, false, crypto),
      ],
    },
    crypto,
  );
  const key = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey), 'PRIVATE KEY');
  return { ca: caCert.toString('pem'), cert: leafCert.toString('pem'), key };
}

/** A random positive serial, so two CAs made in a row are never taken for one. */
function serialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
