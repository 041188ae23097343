import Testing

@testable import LeadsShell

/// How the shell splits a command line into words (Commands/Arguments.swift).
@Suite struct ArgumentsTests {
    @Test func quotesOpenAtAWordsStartOrAfterAnEqualsAndAreLettersInsideAWord() {
        #expect(splitArguments("task 5 call Call O'Brien about Q3's plan").0 == ["task", "5", "call", "Call", "O'Brien", "about", "Q3's", "plan"])
        #expect(splitArguments("capture company=\"Acme Inc\" name='Ann Lee' 'two words'").0 == ["capture", "company=Acme Inc", "name=Ann Lee", "two words"])
        #expect(splitArguments("note \"it's done\" ''").0 == ["note", "it's done", ""])
        #expect(splitArguments("a  b\tc").1 == [0, 3, 4])
    }
}
