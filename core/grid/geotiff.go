package grid

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"
)

// TIFF tags and GeoTIFF keys used by WriteGeoTIFF and ReadGeoTIFF
// (TIFF 6.0; OGC GeoTIFF 1.1, 19-008r4).
const (
	tagImageWidth      = 256
	tagImageLength     = 257
	tagBitsPerSample   = 258
	tagCompression     = 259
	tagPhotometric     = 262
	tagStripOffsets    = 273
	tagSamplesPerPixel = 277
	tagRowsPerStrip    = 278
	tagStripByteCounts = 279
	tagPlanarConfig    = 284
	tagSampleFormat    = 339
	tagModelPixelScale = 33550
	tagModelTiepoint   = 33922
	tagGeoKeyDirectory = 34735
	tagGeoAsciiParams  = 34737
	tagGDALNoData      = 42113

	typeASCII  = 2
	typeShort  = 3
	typeLong   = 4
	typeDouble = 12

	keyGTModelType      = 1024
	keyGTRasterType     = 1025
	keyGTCitation       = 1026
	keyProjectedCSType  = 3072
	keyProjLinearUnits  = 3076
	modelTypeProjected  = 1
	rasterPixelIsArea   = 1
	userDefined         = 32767
	linearMeter         = 9001
	sampleFormatIEEE    = 3
	stripTargetBytes    = 64 << 10
	maxClassicTIFFBytes = math.MaxUint32
)

// WriteGeoTIFF writes g as a single-band float32 GeoTIFF, north row first,
// little-endian, uncompressed, in strips of about 64 KiB. It writes the
// georeferencing tags ModelPixelScale (Cell, Height, 0), ModelTiepoint
// (pixel (0, 0) at the north-west corner), and a GeoKey directory with
// GTModelType = projected, GTRasterType = PixelIsArea and
// ProjectedCSType = epsg. epsg must be the EPSG code of a projected CRS in
// metres (for example 32650, WGS 84 / UTM 50N); 0 means unknown, written as
// a user-defined projected CRS in metres, which GDAL reads as a local CRS.
// NaN cells stay NaN and the GDAL_NODATA tag says "nan".
//
// It panics if len(g.Data) != Cols*Rows or epsg is negative or above 65535,
// and returns an error if the file would exceed 4 GiB (classic TIFF).
func WriteGeoTIFF(w io.Writer, g *Grid, epsg int) error {
	g.check()
	if len(g.Data) != g.Len() {
		panic("grid: data length mismatch")
	}
	if epsg < 0 || epsg > math.MaxUint16 {
		panic("grid: epsg code out of range")
	}
	rowBytes := 4 * g.Cols
	rowsPerStrip := max(1, stripTargetBytes/rowBytes)
	rowsPerStrip = min(rowsPerStrip, g.Rows)
	nStrips := (g.Rows + rowsPerStrip - 1) / rowsPerStrip

	// GeoKey directory: header (version 1, revision 1.0, count), then keys
	// sorted by id: {id, location (0 = value here, else tag), count, value}.
	keys := [][4]uint16{
		{keyGTModelType, 0, 1, modelTypeProjected},
		{keyGTRasterType, 0, 1, rasterPixelIsArea},
	}
	var ascii string
	if epsg > 0 {
		keys = append(keys, [4]uint16{keyProjectedCSType, 0, 1, uint16(epsg)})
	} else {
		const citation = "unknown projected CRS (metres)|"
		keys = append(keys,
			[4]uint16{keyGTCitation, tagGeoAsciiParams, uint16(len(citation)), 0},
			[4]uint16{keyProjLinearUnits, 0, 1, linearMeter},
		)
		ascii = citation
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0] < keys[j][0] })
	geoKeys := []uint16{1, 1, 0, uint16(len(keys))}
	for _, k := range keys {
		geoKeys = append(geoKeys, k[:]...)
	}

	_, _, _, ymax := g.Extent()
	type entry struct {
		tag, typ uint16
		count    uint32
		data     []byte // little-endian payload
	}
	le := binary.LittleEndian
	shorts := func(v ...uint16) []byte {
		b := make([]byte, 2*len(v))
		for i, x := range v {
			le.PutUint16(b[2*i:], x)
		}
		return b
	}
	longs := func(v ...uint32) []byte {
		b := make([]byte, 4*len(v))
		for i, x := range v {
			le.PutUint32(b[4*i:], x)
		}
		return b
	}
	doubles := func(v ...float64) []byte {
		b := make([]byte, 8*len(v))
		for i, x := range v {
			le.PutUint64(b[8*i:], math.Float64bits(x))
		}
		return b
	}
	offsets := make([]uint32, nStrips) // filled in below
	counts := make([]uint32, nStrips)
	for s := range counts {
		counts[s] = uint32(min(rowsPerStrip, g.Rows-s*rowsPerStrip) * rowBytes)
	}
	entries := []entry{
		{tagImageWidth, typeLong, 1, longs(uint32(g.Cols))},
		{tagImageLength, typeLong, 1, longs(uint32(g.Rows))},
		{tagBitsPerSample, typeShort, 1, shorts(32)},
		{tagCompression, typeShort, 1, shorts(1)},
		{tagPhotometric, typeShort, 1, shorts(1)}, // BlackIsZero
		{tagStripOffsets, typeLong, uint32(nStrips), nil},
		{tagSamplesPerPixel, typeShort, 1, shorts(1)},
		{tagRowsPerStrip, typeLong, 1, longs(uint32(rowsPerStrip))},
		{tagStripByteCounts, typeLong, uint32(nStrips), longs(counts...)},
		{tagPlanarConfig, typeShort, 1, shorts(1)},
		{tagSampleFormat, typeShort, 1, shorts(sampleFormatIEEE)},
		{tagModelPixelScale, typeDouble, 3, doubles(g.Cell, g.Height(), 0)},
		{tagModelTiepoint, typeDouble, 6, doubles(0, 0, 0, g.X0, ymax, 0)},
		{tagGeoKeyDirectory, typeShort, uint32(len(geoKeys)), shorts(geoKeys...)},
	}
	if ascii != "" {
		entries = append(entries, entry{tagGeoAsciiParams, typeASCII, uint32(len(ascii) + 1), append([]byte(ascii), 0)})
	}
	entries = append(entries, entry{tagGDALNoData, typeASCII, 4, []byte("nan\x00")})

	// Layout: header (8), IFD (2 + 12n + 4), out-of-line values (word
	// aligned), strips.
	ifdSize := 2 + 12*len(entries) + 4
	extra := 8 + ifdSize
	extraSize := 0
	for i := range entries {
		if entries[i].tag == tagStripOffsets {
			entries[i].data = make([]byte, 4*nStrips)
		}
		if n := len(entries[i].data); n > 4 {
			extraSize += (n + 1) &^ 1
		}
	}
	dataStart := extra + extraSize
	if int64(dataStart)+int64(g.Len())*4 > maxClassicTIFFBytes {
		return errors.New("grid: GeoTIFF would exceed 4 GiB (classic TIFF); write an ASCII grid or a smaller grid")
	}
	for s := range offsets {
		offsets[s] = uint32(dataStart + s*rowsPerStrip*rowBytes)
	}
	for i := range entries {
		if entries[i].tag == tagStripOffsets {
			entries[i].data = longs(offsets...)
		}
	}

	head := make([]byte, extra, dataStart)
	copy(head, "II")
	le.PutUint16(head[2:], 42)
	le.PutUint32(head[4:], 8)
	le.PutUint16(head[8:], uint16(len(entries)))
	p := 10
	for _, e := range entries {
		le.PutUint16(head[p:], e.tag)
		le.PutUint16(head[p+2:], e.typ)
		le.PutUint32(head[p+4:], e.count)
		if len(e.data) <= 4 {
			copy(head[p+8:p+12], e.data)
		} else {
			le.PutUint32(head[p+8:], uint32(len(head)))
			head = append(head, e.data...)
			if len(head)%2 == 1 {
				head = append(head, 0)
			}
		}
		p += 12
	}
	// The next-IFD offset (0) is already zero.
	if len(head) != dataStart {
		panic("grid: internal error: GeoTIFF layout")
	}

	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write(head); err != nil {
		return err
	}
	row := make([]byte, rowBytes)
	for r := g.Rows - 1; r >= 0; r-- {
		for c, v := range g.Data[r*g.Cols : (r+1)*g.Cols] {
			le.PutUint32(row[4*c:], math.Float32bits(v))
		}
		if _, err := bw.Write(row); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ReadGeoTIFF reads a single-band float32 GeoTIFF such as WriteGeoTIFF
// writes: strip layout, uncompressed, either byte order, north-up, with
// ModelPixelScale and ModelTiepoint tags. It returns the grid (row 0 south),
// the ProjectedCSType EPSG code (0 if absent or user-defined), and an error
// for anything it does not read (compression, tiles, several bands, other
// sample types, BigTIFF, rotation). Cells equal to a finite GDAL_NODATA
// value become NaN.
func ReadGeoTIFF(r io.Reader) (g *Grid, epsg int, err error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, 0, err
	}
	if len(b) < 8 {
		return nil, 0, errors.New("grid: GeoTIFF: file too short")
	}
	var bo binary.ByteOrder
	switch string(b[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return nil, 0, errors.New("grid: GeoTIFF: not a TIFF file")
	}
	if v := bo.Uint16(b[2:]); v != 42 {
		if v == 43 {
			return nil, 0, errors.New("grid: GeoTIFF: BigTIFF is not supported")
		}
		return nil, 0, errors.New("grid: GeoTIFF: not a TIFF file")
	}
	errShort := errors.New("grid: GeoTIFF: file truncated")
	ifd := int(bo.Uint32(b[4:]))
	if ifd+2 > len(b) {
		return nil, 0, errShort
	}
	n := int(bo.Uint16(b[ifd:]))
	if ifd+2+12*n > len(b) {
		return nil, 0, errShort
	}
	typeSize := map[uint16]int{1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 16: 8, 17: 8}
	tags := make(map[uint16][]float64)
	var ascii = make(map[uint16]string)
	for i := 0; i < n; i++ {
		e := b[ifd+2+12*i:]
		tag, typ, count := bo.Uint16(e), bo.Uint16(e[2:]), int(bo.Uint32(e[4:]))
		size, ok := typeSize[typ]
		if !ok {
			continue
		}
		data := e[8:12]
		if size*count > 4 {
			off := int(bo.Uint32(e[8:]))
			if off < 0 || off+size*count > len(b) || size*count < 0 {
				return nil, 0, errShort
			}
			data = b[off : off+size*count]
		}
		if typ == typeASCII {
			ascii[tag] = strings.TrimRight(string(data[:count]), "\x00")
			continue
		}
		vals := make([]float64, count)
		for k := range vals {
			switch typ {
			case typeShort:
				vals[k] = float64(bo.Uint16(data[2*k:]))
			case typeLong:
				vals[k] = float64(bo.Uint32(data[4*k:]))
			case typeDouble:
				vals[k] = math.Float64frombits(bo.Uint64(data[8*k:]))
			case 1:
				vals[k] = float64(data[k])
			}
		}
		tags[tag] = vals
	}
	one := func(tag uint16, def float64) float64 {
		if v, ok := tags[tag]; ok && len(v) > 0 {
			return v[0]
		}
		return def
	}
	cols, rows := int(one(tagImageWidth, 0)), int(one(tagImageLength, 0))
	switch {
	case cols <= 0 || rows <= 0:
		return nil, 0, errors.New("grid: GeoTIFF: no image size")
	case one(tagCompression, 1) != 1:
		return nil, 0, errors.New("grid: GeoTIFF: compressed files are not supported (gdal_translate -co COMPRESS=NONE)")
	case tags[tagStripOffsets] == nil:
		return nil, 0, errors.New("grid: GeoTIFF: tiled files are not supported (gdal_translate -co TILED=NO)")
	case one(tagSamplesPerPixel, 1) != 1:
		return nil, 0, errors.New("grid: GeoTIFF: more than one band")
	case one(tagBitsPerSample, 1) != 32 || one(tagSampleFormat, 1) != sampleFormatIEEE:
		return nil, 0, errors.New("grid: GeoTIFF: samples are not float32")
	}
	scale, tie := tags[tagModelPixelScale], tags[tagModelTiepoint]
	if len(scale) < 2 || len(tie) < 6 || !(scale[0] > 0) || !(scale[1] > 0) {
		return nil, 0, errors.New("grid: GeoTIFF: missing or invalid ModelPixelScale / ModelTiepoint (not georeferenced?)")
	}
	geom := Geom{Cols: cols, Rows: rows, Cell: scale[0], CellY: scale[1]}
	if scale[1] == scale[0] {
		geom.CellY = 0
	}
	// Tiepoint (I, J) -> (X, Y): the north-west corner is at pixel (0, 0)
	// under PixelIsArea.
	x0 := tie[3] - tie[0]*geom.Cell
	ymax := tie[4] + tie[1]*geom.Height()
	if keys := tags[tagGeoKeyDirectory]; len(keys) >= 4 {
		for k := 0; k < int(keys[3]) && 4+4*k+3 < len(keys); k++ {
			id, loc, val := keys[4+4*k], keys[4+4*k+1], keys[4+4*k+3]
			if loc != 0 {
				continue
			}
			switch id {
			case keyProjectedCSType:
				if val != userDefined {
					epsg = int(val)
				}
			case keyGTRasterType:
				if val == 2 { // PixelIsPoint: tiepoint at the centre of pixel (0, 0)
					x0 -= geom.Cell / 2
					ymax += geom.Height() / 2
				}
			}
		}
	}
	geom.X0, geom.Y0 = x0, ymax-float64(rows)*geom.Height()

	noData := math.NaN()
	if s, ok := ascii[tagGDALNoData]; ok {
		if v, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err == nil {
			noData = v
		}
	}
	offs, cnts := tags[tagStripOffsets], tags[tagStripByteCounts]
	rps := int(one(tagRowsPerStrip, float64(rows)))
	if rps <= 0 || len(cnts) != len(offs) || len(offs) != (rows+rps-1)/rps {
		return nil, 0, errors.New("grid: GeoTIFF: inconsistent strips")
	}
	g = New(geom)
	for s, o := range offs {
		first, nr := s*rps, min(rps, rows-s*rps)
		off, want := int(o), nr*cols*4
		if int(cnts[s]) < want || off+want > len(b) {
			return nil, 0, errShort
		}
		src := b[off : off+want]
		for k := 0; k < nr*cols; k++ {
			v := math.Float32frombits(bo.Uint32(src[4*k:]))
			if float64(v) == noData {
				v = float32(math.NaN())
			}
			r := rows - 1 - (first + k/cols)
			g.Data[r*cols+k%cols] = v
		}
	}
	return g, epsg, nil
}
