/**
 * Certificates for the e2e control plane, made with the `openssl` CLI (OpenSSL 3): one CA, a serving certificate for
 * 127.0.0.1/localhost (and the in-cluster names of the kubernetes Service), an admin client certificate in the
 * system:masters group, and a key pair that signs and verifies service-account tokens. Keys are ECDSA P-256: quick to
 * generate and accepted by every component.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface ClusterCerts {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr || String(err)}`);
  }
}

function ecKey(file: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
}

/** Signs a new certificate for `key` with the CA; `extensions` are openssl x509v3 config lines. */
function signed(dir: string, name: string, subject: string, extensions: string[], ca: { cert: string; key: string }): string {
  const key = path.join(dir, `${name}.key`);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.crt`);
  const ext = path.join(dir, `${name}.ext`);
  ecKey(key);
  openssl(['req', '-new', '-key', key, '-subj', subject, '-out', csr]);
  writeFileSync(ext, extensions.join('\n') + '\n');
  openssl([
    'x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key,
    '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', '7', '-sha256', '-extfile', ext, '-out', cert,
  ]);
  return cert;
}

/** Writes every certificate and key into `dir` and returns their paths. */
export function generateCerts(dir: string, serviceIP: string): ClusterCerts {
  const caKey = path.join(dir, 'ca.key');
  const caCert = path.join(dir, 'ca.crt');
  ecKey(caKey);
  openssl([
    'req', '-x509', '-new', '-key', caKey, '-subj', '/CN=vngshift-e2e-ca', '-days', '7', '-sha256',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    '-out', caCert,
  ]);
  const ca = { cert: caCert, key: caKey };
  const names = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local'];
  const servingCert = signed(dir, 'serving', '/CN=kube-apiserver', [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth,clientAuth',
    `subjectAltName=IP:127.0.0.1,IP:${serviceIP},${names.map((n) => `DNS:${n}`).join(',')}`,
  ], ca);
  const adminCert = signed(dir, 'admin', '/O=system:masters/CN=vngshift-e2e-admin', [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=clientAuth',
  ], ca);
  const serviceAccountKey = path.join(dir, 'sa.key');
  const serviceAccountPub = path.join(dir, 'sa.pub');
  ecKey(serviceAccountKey);
  openssl(['pkey', '-in', serviceAccountKey, '-pubout', '-out', serviceAccountPub]);
  return {
    caCert, caKey, servingCert, servingKey: path.join(dir, 'serving.key'), adminCert, adminKey: path.join(dir, 'admin.key'),
    serviceAccountKey, serviceAccountPub,
  };
}
