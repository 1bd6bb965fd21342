import Foundation
import Telemetry
import Testing

@Suite struct JSONWriterTests {
    private func written(_ build: (inout JSONWriter) -> Void) -> String {
        var writer = JSONWriter()
        build(&writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        let text = self.written { $0.string("a\"b\\c\nd\re\tf\u{01}g\u{1F}h") }

        #expect(text == #""a\"b\\c\nd\re\tf\u0001g\u001fh""#)
    }

    @Test func passesNonASCIIThroughAsUTF8() {
        let text = self.written { $0.string("Zoë 🩻 /") }

        #expect(text == "\"Zoë 🩻 /\"")
    }

    @Test func separatesMembersAndElementsWithCommas() {
        let text = self.written { json in
            json.beginObject()
            json.key("n")
            json.integer(-3)
            json.key("list")
            json.beginArray()
            json.bool(true)
            json.null()
            json.number(1.5)
            json.number(.nan)
            json.endArray()
            json.key("nested")
            json.beginObject()
            json.endObject()
            json.key("raw")
            json.raw(Array("[1]".utf8))
            json.endObject()
        }

        #expect(text == #"{"n":-3,"list":[true,null,1.5,null],"nested":{},"raw":[1]}"#)
    }

    @Test func outputParsesBackToTheSameStrings() throws {
        let awkward = "quote\" slash\\ newline\n nul\u{00} bell\u{07} del\u{7F} é"
        let text = self.written { json in
            json.beginObject()
            json.key(awkward)
            json.string(awkward)
            json.endObject()
        }

        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String]
        #expect(parsed == [awkward: awkward])
    }
}
