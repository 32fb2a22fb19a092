// SPDX-License-Identifier: GPL-2.0-or-later
// bigdwarf: a large Go binary (many std packages kept alive, full DWARF)
// for the benchmark's exact-mode row.  It builds a live heap of ~64 MiB,
// prints its PID and `ready`, and waits until killed.
package main

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/bzip2"
	"compress/flate"
	"compress/gzip"
	"compress/lzw"
	"compress/zlib"
	"crypto/aes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/tls"
	"crypto/x509"
	"database/sql"
	"debug/dwarf"
	"debug/elf"
	"debug/gosym"
	"debug/macho"
	"debug/pe"
	"debug/plan9obj"
	"encoding/asn1"
	"encoding/base32"
	"encoding/base64"
	"encoding/csv"
	"encoding/gob"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"expvar"
	"flag"
	"fmt"
	"go/ast"
	"go/build"
	"go/constant"
	"go/doc"
	"go/format"
	"go/importer"
	"go/parser"
	"go/printer"
	"go/scanner"
	"go/token"
	"go/types"
	"html/template"
	"image"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"
	"index/suffixarray"
	"log/slog"
	"math/big"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/http/pprof"
	"net/mail"
	"net/rpc"
	"net/rpc/jsonrpc"
	"net/smtp"
	"net/textproto"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	rpprof "runtime/pprof"
	"runtime/trace"
	"sort"
	"strconv"
	"strings"
	"testing/fstest"
	"text/tabwriter"
	ttemplate "text/template"
	"time"
	"unicode/utf16"
)

// keep holds function values of many packages so the linker keeps their
// code (and DWARF); main only touches it when given many arguments.
var keep = []any{
	tar.NewReader, tar.NewWriter, zip.NewReader, zip.NewWriter, bufio.NewScanner,
	bzip2.NewReader, flate.NewReader, flate.NewWriter, gzip.NewReader, gzip.NewWriter,
	lzw.NewReader, zlib.NewReader, zlib.NewWriter, aes.NewCipher, ecdsa.GenerateKey,
	ecdsa.Sign, ecdsa.Verify, ed25519.GenerateKey, ed25519.Sign, elliptic.P256,
	elliptic.P384, elliptic.P521, rsa.GenerateKey, rsa.SignPKCS1v15, rsa.EncryptOAEP,
	sha256.Sum256, sha512.Sum512, tls.Dial, tls.Listen, tls.X509KeyPair, tls.Client,
	tls.Server, x509.ParseCertificate, x509.CreateCertificate, x509.ParsePKCS8PrivateKey,
	x509.SystemCertPool, sql.Open, sql.Register, dwarf.New, elf.Open, gosym.NewTable,
	macho.Open, pe.Open, plan9obj.Open, asn1.Marshal, asn1.Unmarshal,
	base32.StdEncoding.EncodeToString, base64.StdEncoding.DecodeString, csv.NewReader,
	csv.NewWriter, gob.NewEncoder, gob.NewDecoder, hex.Dump, json.Marshal,
	json.Unmarshal, json.NewDecoder, json.Indent, pem.Decode, xml.Marshal,
	xml.Unmarshal, xml.NewDecoder, expvar.NewMap, expvar.Handler, flag.Parse,
	ast.Inspect, ast.Print, build.Import, constant.MakeFromLiteral, doc.New,
	doc.NewFromFiles, format.Source, importer.Default, parser.ParseFile, parser.ParseDir,
	printer.Fprint, scanner.PrintError, token.NewFileSet, types.NewPackage,
	types.Eval, types.ExprString, template.New, template.HTMLEscapeString,
	image.NewRGBA, draw.Draw, gif.Decode, gif.EncodeAll, jpeg.Decode, jpeg.Encode,
	png.Decode, png.Encode, suffixarray.New, slog.New, slog.NewJSONHandler,
	slog.NewTextHandler, big.NewInt, big.NewFloat, big.NewRat, mime.TypeByExtension,
	multipart.NewReader, multipart.NewWriter, net.Dial, net.Listen, net.LookupHost,
	net.ResolveTCPAddr, http.ListenAndServe, http.Get, http.NewServeMux,
	http.FileServer, http.ReadRequest, http.ReadResponse, cookiejar.New,
	httptest.NewServer, httptest.NewRecorder, httputil.DumpRequest,
	httputil.NewSingleHostReverseProxy, pprof.Index, pprof.Profile, mail.ParseAddress,
	mail.ReadMessage, rpc.NewServer, rpc.Dial, jsonrpc.NewClient, jsonrpc.NewServerCodec,
	smtp.Dial, smtp.SendMail, textproto.NewReader, url.Parse, url.ParseQuery,
	exec.Command, regexp.MustCompile, rpprof.StartCPUProfile, rpprof.WriteHeapProfile,
	trace.Start, sort.Strings, strconv.Quote, strings.NewReplacer, fstest.TestFS,
	tabwriter.NewWriter, ttemplate.New, utf16.Encode,
}

var heap [][]byte

func main() {
	if len(os.Args) > 99 {
		for _, k := range keep {
			fmt.Println(k)
		}
		// Exercise the big packages' reflection-driven code paths too.
		ast.Print(token.NewFileSet(), &types.Config{})
		for i, f := range genFuncs {
			fmt.Println(f(i, os.Args[2]))
			fmt.Printf("%#v\n", genTypes[i])
		}
		http.ListenAndServe(os.Args[1], nil)
	}
	if len(genFuncs) != len(genTypes) {
		panic("gen tables")
	}
	for i := 0; i < 64; i++ {
		b := make([]byte, 1<<20)
		for j := 0; j < len(b); j += 4096 {
			b[j] = byte(i)
		}
		heap = append(heap, b)
	}
	runtime.GC()
	fmt.Printf("pid %d\nready\n", os.Getpid())
	os.Stdout.Sync()
	for {
		time.Sleep(time.Hour)
	}
}
