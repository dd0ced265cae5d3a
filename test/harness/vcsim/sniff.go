package main

import (
	"bytes"
	"encoding/xml"
	"regexp"
)

// soapCall is what the interceptor needs to know about a request before vcsim decodes it.
type soapCall struct {
	method    string
	thisType  string
	thisValue string
	// thisTag is the byte range of the _this start tag, so its type attribute can be rewritten.
	thisStart, thisEnd int64
}

// sniffCall reads just far enough into a SOAP envelope to learn the method and its _this.
func sniffCall(body []byte) (soapCall, bool) {
	var c soapCall
	d := xml.NewDecoder(bytes.NewReader(body))
	depth, bodyDepth, methodDepth := 0, -1, -1
	for {
		start := d.InputOffset()
		tok, err := d.Token()
		if err != nil {
			return c, false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case bodyDepth < 0 && t.Name.Local == "Body":
				bodyDepth = depth
			case bodyDepth > 0 && methodDepth < 0 && depth == bodyDepth+1:
				methodDepth = depth
				c.method = t.Name.Local
			case methodDepth > 0 && depth == methodDepth+1:
				if t.Name.Local != "_this" {
					return c, false
				}
				for _, a := range t.Attr {
					if a.Name.Local == "type" && a.Name.Space == "" {
						c.thisType = a.Value
					}
				}
				c.thisStart, c.thisEnd = start, d.InputOffset()
				var value string
				if err := d.DecodeElement(&value, &t); err != nil {
					return c, false
				}
				c.thisValue = string(bytes.TrimSpace([]byte(value)))
				return c, c.thisType != "" && c.thisValue != ""
			}
		case xml.EndElement:
			depth--
			if methodDepth > 0 && depth < methodDepth {
				return c, false
			}
		}
	}
}

// typeAttr matches an unprefixed type attribute; the leading space keeps xsi:type out.
var typeAttr = regexp.MustCompile(`(\s)type\s*=\s*(["'])[^"']*(["'])`)

// retarget returns body with the _this type attribute replaced, leaving every other byte as sent.
func retarget(body []byte, c soapCall, newType string) []byte {
	tag := body[c.thisStart:c.thisEnd]
	loc := typeAttr.FindSubmatchIndex(tag)
	if loc == nil {
		return body
	}
	out := make([]byte, 0, len(body)+len(newType))
	out = append(out, body[:c.thisStart]...)
	out = append(out, tag[:loc[0]]...)
	out = append(out, tag[loc[2]:loc[3]]...)
	out = append(out, "type="...)
	out = append(out, tag[loc[4]:loc[5]]...)
	out = append(out, newType...)
	out = append(out, tag[loc[6]:loc[7]]...)
	out = append(out, tag[loc[1]:]...)
	out = append(out, body[c.thisEnd:]...)
	return out
}
