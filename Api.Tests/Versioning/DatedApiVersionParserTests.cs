using Asp.Versioning;
using JsonApiInvites.Api.Versioning;

namespace JsonApiInvites.Api.Tests.Versioning;

/// <summary>Asp.Versioning's routing parses each request's served version: the parser remembers what it read, and reads the same.</summary>
public sealed class DatedApiVersionParserTests
{
    [TestCase("2024-10-15~beta", 2024, 10, 15, "beta")]
    [TestCase("2022-11-14", 2022, 11, 14, null)]
    public void A_version_read_again_is_the_same_version(string text, int year, int month, int day, string? status)
    {
        var parser = new DatedApiVersionParser();
        var expected = new ApiVersion(new DateOnly(year, month, day), status);

        Assert.That(parser.TryParse(text, out var first), Is.True);
        Assert.That(parser.TryParse($"[{text}]".AsSpan(1, text.Length), out var again), Is.True, "read from a slice of a longer text");

        Assert.That(first, Is.EqualTo(expected));
        Assert.That(again, Is.SameAs(first), "remembered, not parsed again");
    }

    [TestCase("2021-02-30")]
    [TestCase("beta")]
    [TestCase("2021-06-04~ga")]
    [TestCase("")]
    public void Text_that_is_not_a_dated_version_is_refused_every_time(string text)
    {
        var parser = new DatedApiVersionParser();

        Assert.That(parser.TryParse(text, out _), Is.False);
        Assert.That(parser.TryParse(text, out var again), Is.False);
        Assert.That(again, Is.Null);
    }
}
