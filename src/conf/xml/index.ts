/** The XML reader and writer every conf document uses. */
export { parseXml, child, childrenNamed, type XmlElement } from './xml-reader.js';
export { XmlWriter, escapeXml, type Attrs } from './xml-writer.js';
