// seek-bzip ships no types. Only the part Stratus uses: decoding a Buffer into a byte sink.
declare module 'seek-bzip' {
  interface ByteSink {
    writeByte(byte: number): void;
  }
  interface ByteSource {
    readByte(): number;
    read(buffer: Uint8Array, offset: number, length: number): number;
    seek(pos: number): void;
    eof(): boolean;
  }
  const Bunzip: {
    decode(input: Buffer | ByteSource, output: ByteSink, multistream?: boolean): void;
  };
  export default Bunzip;
}
