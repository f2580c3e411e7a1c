/**
 * A CertificateSigningRequest records who asked for it: on create, spec.username, uid,
 * groups and extra are set from the authenticated requester, whatever the client sent
 * (upstream does this in the CSR registry strategy's PrepareForCreate; the approver and
 * signer controllers trust these fields). The request must be a PEM PKCS#10 request and
 * name a signer (validation.ValidateCertificateSigningRequestCreate).
 */
import { invalid } from '../../../api/status.js';
import { certificateRequestSubject } from '../../../pki/index.js';
import type { AdmissionPlugin } from '../types.js';

interface CSRSpec {
  request?: string;
  signerName?: string;
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export const csrRequestor: AdmissionPlugin = {
  name: 'CertificateSigningRequestRequestor',
  admit(a) {
    const info = a.resource.info;
    if (info.group !== 'certificates.k8s.io' || info.resource !== 'certificatesigningrequests' || a.operation !== 'CREATE' || a.subresource || !a.object) return;
    const spec = (a.object.spec ??= {}) as CSRSpec;
    spec.username = a.user.name;
    if (a.user.uid) spec.uid = a.user.uid;
    else delete spec.uid;
    spec.groups = [...a.user.groups];
    if (a.user.extra) spec.extra = a.user.extra;
    else delete spec.extra;
  },
  validate(a) {
    const info = a.resource.info;
    if (info.group !== 'certificates.k8s.io' || info.resource !== 'certificatesigningrequests' || a.operation !== 'CREATE' || a.subresource || !a.object) return;
    const spec = (a.object.spec ?? {}) as CSRSpec;
    const name = a.object.metadata?.name ?? '';
    const causes = [];
    if (!spec.signerName) causes.push({ type: 'FieldValueRequired', field: 'spec.signerName', message: 'Required value' });
    try {
      certificateRequestSubject(Buffer.from(spec.request ?? '', 'base64').toString('utf8'));
    } catch {
      causes.push({ type: 'FieldValueInvalid', field: 'spec.request', message: 'Invalid value: []byte{...}: PEM block type must be CERTIFICATE REQUEST' });
    }
    if (causes.length) throw invalid('certificates.k8s.io', 'CertificateSigningRequest', name, causes);
  },
};
