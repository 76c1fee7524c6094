import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateComplaints } from "../../sandbox/fixtures";
import { rawJSON } from "../../test/support/raw-json";
import { parseJson } from "../json";
import { md5 } from "../md5";
import { checkSign, phpUrldecode, SCHEMES, signingString, signParams, signWith, verifySign } from "./sign";

// Every hard-coded hex below is MD5 of the literal expected signing string, computed independently with
// node:crypto (`createHash('md5').update(str).digest('hex').toUpperCase()`), never by running signParams.
const A1_K = "AFFDCC88244C83F871BFE4854BE9C1A5"; // "a=1&key=k"

describe("signParams", () => {
  it("Should match the public PAYJS vector for {test, test2}", () => {
    expect(signParams({ test: "123", test2: "hehe" }, "test_key")).toBe("B16319F0C3F2BBDA5CB8B4FFC9048A81");
  });

  it("Should match the public vector for {foo: 'bar'}", () => {
    expect(signParams({ foo: "bar" }, "123")).toBe("6E946566490723BB5CDF6E92707F4685");
  });

  it.each([
    ["an empty string", ""],
    ["the number 0", 0],
    ["the float 0.0", 0.0],
    ["negative zero", -0],
    ["the string '0'", "0"],
    ["null", null],
    ["undefined", undefined],
    ["false", false],
    ["an empty array", []],
    ["an empty object", {}],
  ])("Should drop a top-level value that array_filter drops: %s", (_label, value) => {
    const params = { a: "1", b: value };
    expect(signingString(params)).toBe("a=1");
    expect(signParams(params, "k")).toBe(signParams({ a: "1" }, "k"));
    expect(signParams(params, "k")).toBe(A1_K);
  });

  it("Should sign just '&key=KEY' when every field is dropped", () => {
    expect(signingString({ a: "", b: 0, c: null })).toBe("");
    expect(signParams({ a: "", b: 0, c: null }, "k")).toBe("CF6F248308395835A7D267D7C0BD53F5"); // "&key=k"
  });

  it("Should keep the truthy strings '0.0' and ' '", () => {
    const params = { a: "1", b: "0.0", c: " " };
    expect(signingString(params)).toBe("a=1&b=0.0&c= ");
    expect(signParams(params, "k")).toBe("B1305E285EF021DF87F1F800D59CDD11");
  });

  it("Should print a top-level true as 1", () => {
    expect(signingString({ t: true })).toBe("t=1");
    expect(signParams({ t: true }, "k")).toBe("2121B2A324B7855865451F7ABE38F609");
  });

  it("Should use raw UTF-8 values: Chinese text, &, =, +, % and spaces are not encoded", () => {
    const params = { msg: "中文 a&b=c+d%41" };
    expect(signingString(params)).toBe("msg=中文 a&b=c+d%41");
    expect(signParams(params, "k")).toBe("2F4C0A26779B8859B6D21A92FF7895ED");
  });

  it("Should sort top-level keys byte-wise like ksort (A < _ < a < b)", () => {
    const params = { b: "1", a: "2", A: "3", _: "4" };
    expect(signingString(params)).toBe("A=3&_=4&a=2&b=1");
    expect(signParams(params, "k")).toBe("CA3CFEE59E286F2E0D56F7FA6F32D7B1");
  });

  it("Should flatten nested complaints like http_build_query: order kept, null skipped, '' kept, booleans 1/0", () => {
    const params = {
      return_code: 1,
      complaints: [{ order_id: "o1", body: "x", note: null, empty: "", flag: true, off: false, none: [] }],
    };
    expect(signingString(params)).toBe(
      "complaints[0][order_id]=o1&complaints[0][body]=x&complaints[0][empty]=&complaints[0][flag]=1&complaints[0][off]=0&return_code=1",
    );
    expect(signParams(params, "k")).toBe("20C9BFC89A032DABB8BDA888ACCC0497");
  });

  it("Should let a non-empty nested value that flattens to nothing contribute nothing", () => {
    expect(signingString({ a: "1", b: [[], {}, { c: null }] })).toBe("a=1");
  });

  it("Should list complaints[10] after complaints[9] (index order, not string order)", () => {
    const complaints = Array.from({ length: 12 }, (_, i) => ({ id: `c${i}` }));
    const s = signingString({ complaints });
    expect(s).toBe(complaints.map((c, i) => `complaints[${i}][id]=${c.id}`).join("&"));
    expect(s.indexOf("complaints[9]")).toBeLessThan(s.indexOf("complaints[10]"));
  });
});

describe("signing what PAYJS sent, as PHP holds it", () => {
  it("Should print a number kept as raw JSON as its digits, at the top and nested", () => {
    const params = { id: rawJSON("9007199254740993"), list: [{ n: rawJSON("-12345678901234567890.5") }] };
    expect(signingString(params)).toBe("id=9007199254740993&list[0][n]=-12345678901234567890.5");
    expect(signParams(params, "k")).toBe(md5("id=9007199254740993&list[0][n]=-12345678901234567890.5&key=k").toUpperCase());
  });

  it("Should flatten nested keys in the order sent, not the order Object.keys gives", () => {
    const payload = parseJson('{"c":{"1":"x","0":"y"},"d":[{"k":"v","10":"w"}],"b":"1"}') as Record<string, unknown>;
    expect(signingString(payload)).toBe("b=1&c[1]=x&c[0]=y&d[0][k]=v&d[0][10]=w");
    expect(verifySign({ ...payload, sign: md5("b=1&c[1]=x&c[0]=y&d[0][k]=v&d[0][10]=w&key=k").toUpperCase() }, "k")).toBe(true);
  });
});

describe("verifySign", () => {
  const key = "secret";
  // "complaints[0][body]=退款 没到账&complaints[0][order_id]=2024&mchid=1230000109&return_code=1&key=secret"
  const signed = {
    return_code: 1,
    mchid: "1230000109",
    complaints: [{ body: "退款 没到账", order_id: "2024" }],
    sign: "4BFA2DFD13DEE8466DDF921092F29588",
  };

  it("Should accept a correctly signed response payload", () => {
    expect(verifySign(signed, key)).toBe(true);
  });

  it("Should accept a lower-case sign", () => {
    expect(verifySign({ ...signed, sign: signed.sign.toLowerCase() }, key)).toBe(true);
  });

  it("Should reject a payload without a sign", () => {
    const { sign: _sign, ...unsigned } = signed;
    expect(verifySign(unsigned, key)).toBe(false);
  });

  it.each([
    ["a number", 123],
    ["null", null],
    ["an array", [signed.sign]],
  ])("Should reject a non-string sign: %s", (_label, sign) => {
    expect(verifySign({ ...signed, sign }, key)).toBe(false);
  });

  it("Should reject a wrong sign of the right length", () => {
    expect(verifySign({ ...signed, sign: "0".repeat(32) }, key)).toBe(false);
  });

  it("Should reject a sign of a different length", () => {
    expect(verifySign({ ...signed, sign: `${signed.sign}0` }, key)).toBe(false);
    expect(verifySign({ ...signed, sign: signed.sign.slice(1) }, key)).toBe(false);
    expect(verifySign({ ...signed, sign: "" }, key)).toBe(false);
  });

  it("Should reject the right sign under the wrong key", () => {
    expect(verifySign(signed, "other")).toBe(false);
  });

  it("Should include unknown extra fields, so adding one breaks the sign", () => {
    expect(verifySign({ ...signed, extra: "1" }, key)).toBe(false);
  });

  it("Should ignore an added field that array_filter drops", () => {
    expect(verifySign({ ...signed, extra: "", other: null }, key)).toBe(true);
  });
});

describe("sign/verify properties", () => {
  const fieldName = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/).filter((k) => k !== "sign" && k !== "__proto__");
  const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(""), fc.constant("0"));
  const value = fc.oneof(scalar, fc.array(fc.dictionary(fieldName, scalar, { maxKeys: 4 }), { maxLength: 12 }));
  const params = fc.dictionary(fieldName, value, { maxKeys: 8 });
  const signKey = fc.string({ minLength: 1 });

  it("Should verify whatever it signed", () => {
    fc.assert(
      fc.property(params, signKey, (p, k) => {
        expect(verifySign({ ...p, sign: signParams(p, k) }, k)).toBe(true);
      }),
    );
  });

  it("Should stop verifying once any kept value changes to another kept value that prints differently", () => {
    fc.assert(
      fc.property(params, signKey, fc.nat(), fc.string(), (p, k, pick, suffix) => {
        const kept = Object.keys(p).filter((name) => signingString({ [name]: p[name] }) !== "");
        fc.pre(kept.length > 0);
        const name = kept[pick % kept.length]!;
        const replacement = `x${suffix}`; // never dropped by array_filter
        fc.pre(signingString({ [name]: p[name] }) !== signingString({ [name]: replacement }));
        const sign = signParams(p, k);
        expect(verifySign({ ...p, [name]: replacement, sign }, k)).toBe(false);
      }),
    );
  });
});

describe("the hashed signing string", () => {
  const key = "k";
  const expected = (params: Record<string, unknown>): string => md5(`${signingString(params)}&key=${key}`).toUpperCase();

  it("Should hash exactly the signing string, whatever the values hold (property)", () => {
    // Narrow and wide text in every position (first or last character wide or not), lone surrogates, long runs.
    const unit = fc.constantFrom("a", "=", "&", "é", "ÿ", "中", "😀", "\ud800", "\udc00", " ");
    const text = fc.oneof(fc.string({ unit, maxLength: 12 }), fc.string({ unit, minLength: 120, maxLength: 600 }));
    const scalar = fc.oneof(text, fc.integer(), fc.boolean(), fc.constant(null));
    const record = fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), scalar, { maxKeys: 6 });
    const params = fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.oneof(scalar, fc.array(record, { maxLength: 40 })), {
      maxKeys: 5,
    });
    fc.assert(
      fc.property(params, (p) => {
        expect(signParams(p, key)).toBe(expected(p));
      }),
      { numRuns: 300 },
    );
  });

  it("Should hash a large answer exactly, Chinese bodies and all", () => {
    const answer = { return_code: 1, mchid: "1500000001", complaints: generateComplaints("1500000001", 2000, Date.UTC(2026, 10, 8)) };
    expect(signParams(answer, key)).toBe(expected(answer));
    expect(signParams({ body: "中文开头", a: "1" }, key)).toBe(expected({ body: "中文开头", a: "1" }));
  });
});

describe("named signature schemes", () => {
  const key = "k+ey%2B%zz";
  const answer = { return_code: 1, complaints: [{ body: "a b" }] };
  const base = "complaints[0][body]=a b&return_code=1";

  it("Should decode a key as PHP's urldecode does: + a space, %XX a byte, a stray % kept", () => {
    expect(phpUrldecode("k+ey%2B%zz")).toBe("k ey+%zz");
    expect(phpUrldecode("%E6%8A%95%E8%AF%89")).toBe("投诉");
    expect(phpUrldecode("plain-key")).toBe("plain-key");
  });

  it("Should sign by php-sdk with the key URL-decoded, and by raw-key with the key as it is", () => {
    const [phpSdk, rawKey] = SCHEMES;
    expect(signWith(phpSdk!, answer, key)).toBe(md5(`${base}&key=k ey+%zz`).toUpperCase());
    expect(signWith(rawKey!, answer, key)).toBe(md5(`${base}&key=${key}`).toUpperCase());
  });

  it("Should name the scheme that verified, trying php-sdk first", () => {
    expect(checkSign({ ...answer, sign: md5(`${base}&key=k ey+%zz`) }, key)).toEqual({ result: "verified", scheme: "php-sdk" });
    expect(checkSign({ ...answer, sign: md5(`${base}&key=${key}`) }, key)).toEqual({ result: "verified", scheme: "raw-key" });
    expect(checkSign({ ...answer, sign: md5(`${base}&key=plain`) }, "plain")).toEqual({ result: "verified", scheme: "php-sdk" });
  });

  it("Should report an absent sign as absent and anything else that does not verify as a mismatch", () => {
    expect(checkSign({ ...answer }, key)).toEqual({ result: "absent", scheme: null });
    expect(checkSign({ ...answer, sign: "" }, key)).toEqual({ result: "absent", scheme: null });
    expect(checkSign({ ...answer, sign: 42 }, key)).toEqual({ result: "mismatch", scheme: null });
    // Signed over the top-level fields only: the complaints are outside the signature, which no scheme accepts.
    expect(checkSign({ ...answer, sign: md5(`return_code=1&key=${key}`) }, key)).toEqual({ result: "mismatch", scheme: null });
  });
});
