import Foundation

extension PlainHTTP {
  /// Reads one response from a connection: status line and headers (after any interim 1xx
  /// answer), then the body as the headers frame it.
  struct ResponseReader {
    let connection: Connection
    let deadline: Deadline
    private var buffer: [UInt8] = []
    private var position = 0
    private var isHTTP11 = false
    private var bodyRanToClose = false

    init(connection: Connection, deadline: Deadline) {
      self.connection = connection
      self.deadline = deadline
    }

    /// True when the connection may carry another request after `response`.
    func keepsConnection(_ response: Response) -> Bool {
      isHTTP11 && !bodyRanToClose && position == buffer.count
        && !Self.tokens(response.headers["connection"]).contains("close")
    }

    mutating func read(maximumBodyBytes: Int) throws(Failure) -> Response {
      var (status, headers) = try head()
      // 1xx answers (other than a protocol switch, never asked for) come before the answer.
      while (100...199).contains(status) && status != 101 {
        (status, headers) = try head()
      }
      let body: [UInt8]
      if status == 204 || status == 304 || (100...199).contains(status) {
        body = []
      } else if let coding = headers["transfer-encoding"] {
        guard Self.tokens(coding) == ["chunked"] else {
          throw Failure(reason: "the server's answer has a transfer coding other than chunked")
        }
        body = try chunkedBody(limit: maximumBodyBytes)
      } else if let length = headers["content-length"] {
        // Repeated headers were joined with commas; the same length repeated is one length.
        let lengths = Set(
          length.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        guard lengths.count == 1, let count = lengths.first.flatMap({ Int($0) }), count >= 0 else {
          throw Failure(reason: "the server's answer has a malformed Content-Length")
        }
        guard count <= maximumBodyBytes else { throw tooLarge(maximumBodyBytes) }
        body = try bytes(count)
      } else {
        body = try bytesToClose(limit: maximumBodyBytes)
      }
      return Response(status: status, headers: headers, body: body, wireBytes: position)
    }

    /// The comma-separated tokens of a header value, in lowercase.
    private static func tokens(_ value: String?) -> [String] {
      (value ?? "").lowercased().split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces)
      }
    }

    /// A status line and headers (names in lowercase; repeated ones joined with commas).
    private mutating func head() throws(Failure) -> (Int, [String: String]) {
      let headerEnd = try headerEnd()
      let head = String(decoding: buffer[position..<headerEnd], as: UTF8.self)
      position = headerEnd + 4
      var lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
      let statusLine = lines.isEmpty ? "" : lines.removeFirst()
      let parts = statusLine.split(separator: " ", maxSplits: 2)
      guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]),
        (100...599).contains(status)
      else { throw Failure(reason: "the server's answer is not HTTP") }
      isHTTP11 = parts[0] == "HTTP/1.1"
      var headers: [String: String] = [:]
      for line in lines {
        guard let colon = line.firstIndex(of: ":"), colon > line.startIndex,
          !line[..<colon].contains(where: { $0 == " " || $0 == "\t" })
        else { throw Failure(reason: "the server's answer has a malformed header") }
        let name = line[..<colon].lowercased()
        let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        headers[name] = headers[name].map { $0 + ", " + value } ?? value
      }
      return (status, headers)
    }

    /// Where the blank line that ends the next header starts.
    private mutating func headerEnd() throws(Failure) -> Int {
      var searchedTo = position
      while true {
        if buffer.count - position >= 4 {
          for index in max(position, searchedTo - 3)...(buffer.count - 4)
          where buffer[index] == 0x0D && buffer[index + 1] == 0x0A && buffer[index + 2] == 0x0D
            && buffer[index + 3] == 0x0A
          {
            return index
          }
          searchedTo = buffer.count
        }
        guard buffer.count - position <= maximumHeaderBytes else {
          throw Failure(reason: "the server's answer has a header over 64 KB")
        }
        let received: Int
        do {
          received = try connection.read(into: &buffer, count: 16 * 1024, deadline)
        } catch {
          throw Failure(
            reason: error.reason, endedBeforeAnswer: buffer.isEmpty && error.endedBeforeAnswer)
        }
        guard received > 0 else {
          throw Failure(
            reason: "the server closed the connection", endedBeforeAnswer: buffer.isEmpty)
        }
      }
    }

    /// Makes sure `count` bytes past the position are in the buffer.
    private mutating func fill(_ count: Int) throws(Failure) {
      while buffer.count - position < count {
        let wanted = max(64 * 1024, count - (buffer.count - position))
        guard try connection.read(into: &buffer, count: min(wanted, 1 << 22), deadline) > 0 else {
          throw Failure(reason: "the server closed the connection")
        }
      }
    }

    private mutating func bytes(_ count: Int) throws(Failure) -> [UInt8] {
      try fill(count)
      defer { position += count }
      return Array(buffer[position..<(position + count)])
    }

    private mutating func line() throws(Failure) -> String {
      while true {
        if let end = buffer[position...].firstIndex(of: 0x0A) {
          defer { position = end + 1 }
          let text = String(decoding: buffer[position..<end], as: UTF8.self)
          return text.hasSuffix("\r") ? String(text.dropLast()) : text
        }
        guard buffer.count - position < 4096 else {
          throw Failure(reason: "the server's answer has a malformed chunk")
        }
        try fill(buffer.count - position + 1)
      }
    }

    private mutating func chunkedBody(limit: Int) throws(Failure) -> [UInt8] {
      var body: [UInt8] = []
      while true {
        let sizeText = try line().prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
        guard let size = Int(sizeText, radix: 16), size >= 0 else {
          throw Failure(reason: "the server's answer has a malformed chunk")
        }
        if size == 0 {
          while try !line().isEmpty {}  // Trailer fields, then the blank line.
          return body
        }
        // Written so that a size near Int.max cannot overflow.
        guard size <= limit - body.count else { throw tooLarge(limit) }
        body += try bytes(size)
        guard try line().isEmpty else {
          throw Failure(reason: "the server's answer has a malformed chunk")
        }
      }
    }

    private mutating func bytesToClose(limit: Int) throws(Failure) -> [UInt8] {
      bodyRanToClose = true
      while try connection.read(into: &buffer, count: 64 * 1024, deadline) > 0 {
        guard buffer.count - position <= limit else { throw tooLarge(limit) }
      }
      defer { position = buffer.count }
      return Array(buffer[position...])
    }

    private func tooLarge(_ limit: Int) -> Failure {
      Failure(reason: "the answer is larger than \(limit) bytes")
    }
  }
}
