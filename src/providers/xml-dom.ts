// Wrangler bundles for the `browser` condition, so @aws-sdk/xml-builder resolves to its DOMParser
// build, and workerd has no DOMParser: every XML answer of S3 (an error such as NoSuchKey, the
// DeleteObjects result) fails with "ReferenceError: DOMParser is not defined"
// (https://github.com/aws/aws-sdk-js-v3/issues/7375). This supplies the little of the DOM that the
// SDK's parser walks — elements, attributes, text — when the runtime has none.

interface XmlNodeLike {
  nodeType: number;
  nodeName: string;
  textContent: string;
  attributes: Array<{ name: string; value: string }>;
  childNodes: XmlNodeLike[];
}

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;

/** Installs a minimal `DOMParser` (and `Node` constants) unless the runtime has its own. */
export function ensureXmlDom(): void {
  if (!Reflect.has(globalThis, "Node")) {
    Reflect.set(
      globalThis,
      "Node",
      // biome-ignore lint/complexity/noStaticOnlyClass: a class, so that `value instanceof Node` elsewhere stays valid (and false).
      class Node {
        static readonly ELEMENT_NODE = ELEMENT_NODE;
        static readonly TEXT_NODE = TEXT_NODE;
      },
    );
  }
  if (Reflect.has(globalThis, "DOMParser")) return;
  Reflect.set(
    globalThis,
    "DOMParser",
    class DOMParser {
      parseFromString(xml: string) {
        const root = parseXmlDocument(xml);
        const error = root ? [] : [element("parsererror", [], [])];
        return {
          documentElement: root ?? error[0],
          getElementsByTagName: (name: string) => (name === "parsererror" ? error : []),
        };
      }
    },
  );
}

/** The document element, or null when the text is not well-formed. */
export function parseXmlDocument(xml: string): XmlNodeLike | null {
  const stack: XmlNodeLike[] = [element("#document", [], [])];
  const pattern =
    /<!\[CDATA\[([\s\S]*?)\]\]>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!DOCTYPE[^>]*>|<(\/?)([^\s/>]+)([^>]*?)(\/?)>|([^<]+)/gy;
  let root: XmlNodeLike | null = null;
  let consumed = 0;
  for (const match of xml.matchAll(pattern)) {
    consumed = (match.index ?? 0) + match[0].length;
    const [, cdata, closing, name, attributeText = "", selfClosing, text] = match;
    const parent = stack.at(-1);
    if (!parent) return null;
    if (cdata !== undefined || text !== undefined) {
      const value = cdata ?? decode(text ?? "");
      if (stack.length === 1) {
        if (value.trim()) return null;
        continue;
      }
      parent.childNodes.push({
        nodeType: TEXT_NODE,
        nodeName: "#text",
        textContent: value,
        attributes: [],
        childNodes: [],
      });
    } else if (name && closing) {
      if (parent.nodeName !== name || stack.length === 1) return null;
      stack.pop();
      parent.textContent = parent.childNodes.map((child) => child.textContent).join("");
    } else if (name) {
      if (stack.length === 1 && root) return null;
      const attributes = [...attributeText.matchAll(/([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)].map(
        ([, attribute = "", double, single]) => ({ name: attribute, value: decode(double ?? single ?? "") }),
      );
      const node = element(name, attributes, []);
      parent.childNodes.push(node);
      if (stack.length === 1) root = node;
      if (!selfClosing) stack.push(node);
    }
  }
  return stack.length === 1 && consumed === xml.length ? root : null;
}

function element(
  name: string,
  attributes: XmlNodeLike["attributes"],
  childNodes: XmlNodeLike[],
): XmlNodeLike {
  return { nodeType: ELEMENT_NODE, nodeName: name, textContent: "", attributes, childNodes };
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (entity, code: string) => {
    if (code.startsWith("#x") || code.startsWith("#X"))
      return String.fromCodePoint(Number.parseInt(code.slice(2), 16));
    if (code.startsWith("#")) return String.fromCodePoint(Number(code.slice(1)));
    return ENTITIES[code] ?? entity;
  });
}
