// Self-signed test certificates (P-256, valid for 100 years), made once with:
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500 \
//     -subj "/CN=$name" -addext "subjectAltName=DNS:$name,IP:127.0.0.1" \
//     -keyout fixtures/$name.key.pem -out fixtures/$name.cert.pem
// for name in localhost, elsewhere. Test use only.
import { readFileSync } from "node:fs";

export interface SelfSigned {
  key: string;
  cert: string;
}

export function makeSelfSigned(name: "localhost" | "elsewhere" = "localhost"): SelfSigned {
  const file = (kind: string) =>
    readFileSync(new URL(`./fixtures/${name}.${kind}.pem`, import.meta.url), "utf8");
  return { key: file("key"), cert: file("cert") };
}
