package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"strings"
	"time"
)

// selfSigned is a per-run certificate, so two simulators never share a thumbprint (tests of
// thumbprint pinning need a mismatch), unlike vcsim's fixed 1024-bit test certificate.
type selfSigned struct {
	pair    tls.Certificate
	pemPath string
	sha1    string
	sha256  string
}

func newSelfSigned(extraIPs ...net.IP) (*selfSigned, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("generating serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		// a subject of its own (the serial): a CA file holding several simulators' certificates then finds the right one
		Subject:   pkix.Name{CommonName: "localhost", Organization: []string{"esxvirt vcsim"}, SerialNumber: serial.String()},
		NotBefore: now.Add(-time.Hour),
		NotAfter:  now.AddDate(10, 0, 0),
		// Self-signed and CA, like an ESX host certificate, so clients can use the PEM as their CA.
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:              []string{"localhost"},
		IPAddresses:           append([]net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}, extraIPs...),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("creating certificate: %w", err)
	}

	f, err := os.CreateTemp("", "esxvirt-vcsim-*.pem")
	if err != nil {
		return nil, fmt.Errorf("writing certificate: %w", err)
	}
	defer f.Close()
	if err := pem.Encode(f, &pem.Block{Type: "CERTIFICATE", Bytes: der}); err != nil {
		return nil, fmt.Errorf("writing certificate: %w", err)
	}

	s1 := sha1.Sum(der)
	s256 := sha256.Sum256(der)
	return &selfSigned{
		pair:    tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		pemPath: f.Name(),
		sha1:    colonHex(s1[:]),
		sha256:  colonHex(s256[:]),
	}, nil
}

// colonHex formats a digest the way vSphere shows thumbprints: upper-case hex pairs joined by ':'.
func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, c := range b {
		parts[i] = fmt.Sprintf("%02X", c)
	}
	return strings.Join(parts, ":")
}
