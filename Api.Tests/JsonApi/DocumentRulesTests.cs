using JsonApiInvites.Api.Tests.Infrastructure;

namespace JsonApiInvites.Api.Tests.JsonApi;

/// <summary>
/// The checker that every test response passes through must itself catch broken documents, or the blanket check
/// proves nothing. One case per rule it enforces.
/// </summary>
public sealed class DocumentRulesTests
{
    private const string Self = "\"links\":{\"self\":\"/x\"}";
    private const string Version = "\"jsonapi\":{\"version\":\"1.1\"}";

    private static string Resource(string extra = "") =>
        "{\"type\":\"role\",\"id\":\"1\",\"attributes\":{\"key\":\"owner\"}," + Self + extra + "}";

    [Test]
    public void Accepts_a_valid_compound_document()
    {
        var body = "{" + Version + ",\"data\":[{\"type\":\"site_invitation\",\"id\":\"9\",\"attributes\":{\"email\":\"a@b.io\"},"
            + "\"relationships\":{\"role\":{\"links\":{\"self\":\"/r\",\"related\":\"/s\"},\"data\":{\"type\":\"role\",\"id\":\"1\"}}}," + Self + "}],"
            + "\"included\":[" + Resource() + "]," + Self + "}";

        Assert.That(JsonApiRules.Check(200, body), Is.Empty);
    }

    [Test]
    public void Accepts_a_valid_error_document()
    {
        var body = "{" + Version + ",\"errors\":[{\"id\":\"e\",\"status\":\"400\",\"code\":\"c\",\"title\":\"t\",\"detail\":\"d\",\"source\":{\"parameter\":\"include\"}}]}";

        Assert.That(JsonApiRules.Check(400, body), Is.Empty);
    }

    [TestCase("[]", "top level is not an object")]
    [TestCase("{\"jsonapi\":{\"version\":\"1.0\"},\"data\":null," + Self + "}", "jsonapi.version")]
    [TestCase("{" + Version + "," + Self + "}", "neither data nor errors")]
    [TestCase("{" + Version + ",\"data\":null,\"errors\":[]," + Self + "}", "data and errors coexist")]
    [TestCase("{" + Version + ",\"data\":null,\"extra\":1," + Self + "}", "/extra is not a member")]
    [TestCase("{" + Version + ",\"data\":null}", "top-level links has no self")]
    [TestCase("{" + Version + ",\"data\":{\"type\":\"role\",\"attributes\":{}," + Self + "}," + Self + "}", "/data/id is not a non-empty string")]
    [TestCase("{" + Version + ",\"data\":{\"type\":\"role\",\"id\":\"1\",\"attributes\":{}}," + Self + "}", "/data has no links.self")]
    [TestCase("{" + Version + ",\"data\":{\"type\":\"role\",\"id\":\"1\",\"attributes\":{\"createdAt\":1}," + Self + "}," + Self + "}", "not a snake_case member name")]
    [TestCase("{" + Version + ",\"data\":{\"type\":\"role\",\"id\":\"1\",\"attributes\":{\"id\":1}," + Self + "}," + Self + "}", "has a field named 'id'")]
    [TestCase("{" + Version + ",\"data\":{\"type\":\"role\",\"id\":\"1\",\"attributes\":{\"org\":1},\"relationships\":{\"org\":{\"links\":{\"self\":\"/a\",\"related\":\"/b\"},\"data\":null}}," + Self + "}," + Self + "}", "share the name")]
    [TestCase("{" + Version + ",\"data\":{\"type\":\"role\",\"id\":\"1\",\"relationships\":{\"org\":{\"data\":null}}," + Self + "}," + Self + "}", "lacks links.self or links.related")]
    [TestCase("{" + Version + ",\"data\":{\"type\":\"role\",\"id\":\"1\",\"relationships\":{\"org\":{\"links\":{\"self\":\"/a\",\"related\":\"/b\"}}}," + Self + "}," + Self + "}", "has no data")]
    [TestCase("{" + Version + ",\"data\":[],\"included\":[{\"type\":\"role\",\"id\":\"1\",\"attributes\":{}," + Self + "}]," + Self + "}", "not linked from the primary data")]
    [TestCase("{" + Version + ",\"errors\":[{\"id\":\"e\",\"status\":400,\"code\":\"c\",\"title\":\"t\",\"detail\":\"d\"}]}", "/errors/0/status is not a non-empty string")]
    [TestCase("{" + Version + ",\"errors\":[{\"id\":\"e\",\"status\":\"404\",\"code\":\"c\",\"title\":\"t\",\"detail\":\"d\"}]}", "status is 404 but the response is 400")]
    [TestCase("{" + Version + ",\"errors\":[{\"status\":\"400\",\"code\":\"c\",\"title\":\"t\",\"detail\":\"d\"}]}", "/errors/0/id")]
    [TestCase("{" + Version + ",\"errors\":[{\"id\":\"e\",\"status\":\"400\",\"code\":\"c\",\"title\":\"t\",\"detail\":\"d\",\"source\":{\"pointer\":\"data\"}}]}", "not a JSON Pointer")]
    [TestCase("{" + Version + ",\"errors\":[{\"id\":\"e\",\"status\":\"400\",\"code\":\"c\",\"title\":\"t\",\"detail\":\"d\",\"source\":{\"path\":\"/x\"}}]}", "source is not one of")]
    public void Reports_a_broken_document(string body, string problem)
    {
        Assert.That(JsonApiRules.Check(400, body), Has.Some.Contains(problem));
    }

    [Test]
    public void Reports_a_duplicate_in_included()
    {
        var body = "{" + Version + ",\"data\":" + Resource() + ",\"included\":[" + Resource() + "]," + Self + "}";

        Assert.That(JsonApiRules.Check(200, body), Has.Some.Contains("duplicates"));
    }
}
