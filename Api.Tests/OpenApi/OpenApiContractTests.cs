using JsonApiInvites.Api.Invitees;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Asp.Versioning;
using JsonApiInvites.Api.OpenApi;
using JsonApiInvites.Api.Tests.Infrastructure;
using JsonApiInvites.Api.Versioning;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace JsonApiInvites.Api.Tests.OpenApi;

/// <summary>
/// The committed OpenAPI documents and the running server agree: the files are current, Microsoft.OpenApi reads them
/// cleanly, every documented operation is served at its version and every served operation is documented, and the
/// response check that runs on every test response would catch a field that disappeared or appeared.
/// </summary>
public sealed class OpenApiContractTests(DatabaseKind database) : SharedAppTests(database)
{
    public static IEnumerable<string> Versions => DeclaredVersions.Default.All.Select(v => v.ToString());

    private static string RepositoryRoot([CallerFilePath] string source = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", ".."));

    [TestCaseSource(nameof(Versions))]
    public void The_committed_document_is_current(string version)
    {
        var path = Path.Combine(RepositoryRoot(), "openapi", OpenApiDocuments.FileName(ApiVersionName.Parse(version)));

        Assert.That(File.Exists(path), Is.True, $"{path} is missing: run 'dotnet run --project Api -- openapi write --out \"$PWD/openapi\"'.");
        Assert.That(File.ReadAllText(path), Is.EqualTo(OpenApiDocuments.Write(ApiVersionName.Parse(version))),
            "The committed document differs from what the server's tables describe: run 'dotnet run --project Api -- openapi write --out \"$PWD/openapi\"' and review the diff.");
    }

    [TestCaseSource(nameof(Versions))]
    public void Microsoft_OpenApi_reads_the_document_without_errors(string version)
    {
        var text = OpenApiDocuments.ReadEmbedded(ApiVersionName.Parse(version))!;

        var result = OpenApiDocument.Parse(text, "json");

        Assert.That(result.Diagnostic!.Errors, Is.Empty);
        Assert.That(result.Diagnostic.SpecificationVersion, Is.EqualTo(OpenApiSpecVersion.OpenApi3_1));
        Assert.That(result.Document!.Info.Version, Is.EqualTo(version));
        Assert.That(result.Document.Validate(Microsoft.OpenApi.ValidationRuleSet.GetDefaultRuleSet()), Is.Empty);
    }

    [TestCaseSource(nameof(Versions))]
    public void Documented_and_served_operations_are_the_same(string version)
    {
        var document = OpenApiDocument.Parse(OpenApiDocuments.ReadEmbedded(ApiVersionName.Parse(version))!, "json").Document!;
        var documented = document.Paths
            .SelectMany(p => p.Value.Operations!.Keys.Select(m => $"{m.Method.ToUpperInvariant()} {p.Key}"))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.That(Served(ApiVersionName.Parse(version)).Order(StringComparer.Ordinal).ToList(), Is.EqualTo(documented));
    }

    [Test]
    public async Task The_response_check_notices_a_missing_or_an_undocumented_field()
    {
        var invitation = await Client.CreateInvitationAsync(Org, "ada@example.com");
        var url = new Uri(Org.Invite(invitation, version: "2022-11-14"), UriKind.Relative);
        var body = (await Client.GetAsync(url.OriginalString, Org.Token)).Json;

        var missing = body.DeepClone();
        missing["data"]!["attributes"]!.AsObject().Remove("expires_at");
        var extra = body.DeepClone();
        extra["data"]!["attributes"]!["nickname"] = "ada";
        var wrongType = body.DeepClone();
        wrongType["data"]!["attributes"]!["expired"] = "no";

        Assert.Multiple(() =>
        {
            Assert.That(OpenApiContract.Check(HttpMethod.Get, url, 200, "2022-11-14", body.ToJsonString()), Is.Empty);
            Assert.That(OpenApiContract.Check(HttpMethod.Get, url, 200, "2022-11-14", missing.ToJsonString()), Has.Some.Contains("'expires_at' is missing"));
            Assert.That(OpenApiContract.Check(HttpMethod.Get, url, 200, "2022-11-14", extra.ToJsonString()), Has.Some.Contains("'nickname' is not documented"));
            Assert.That(OpenApiContract.Check(HttpMethod.Get, url, 200, "2022-11-14", wrongType.ToJsonString()), Has.Some.Contains("expected \"boolean\""));
            Assert.That(OpenApiContract.Check(HttpMethod.Get, url, 200, "2021-06-04", body.ToJsonString()), Has.Some.Contains("'status' is not documented"));
            Assert.That(OpenApiContract.Check(HttpMethod.Get, url, 418, "2022-11-14", body.ToJsonString()), Has.Some.Contains("does not document status 418"));
        });
    }

    [TestCase("2021-06-04", "2021-06-04")]
    [TestCase("2023-01-01", "2022-11-14")]
    [TestCase("2024-10-15~beta", "2024-10-15~beta")]
    [TestCase("beta", "2024-10-15~beta")]
    public async Task Serves_the_document_of_the_resolved_version(string requested, string served)
    {
        using var response = await Client.GetAsync(new Uri($"/openapi/{requested}.json", UriKind.Relative));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(response.Content.Headers.ContentType!.MediaType, Is.EqualTo("application/json"));
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.That(document["info"]!["version"]!.GetValue<string>(), Is.EqualTo(served));
        Assert.That(document.ToJsonString(), Is.EqualTo(OpenApiContract.DocumentOf(served).ToJsonString()));
    }

    [TestCase("2021-02-30", HttpStatusCode.BadRequest, "invalid_version")]
    [TestCase("2020-01-01", HttpStatusCode.NotFound, "version_not_found")]
    [TestCase("2099-01-01", HttpStatusCode.BadRequest, "version_in_future")]
    public async Task Reports_a_bad_document_version_as_json_api(string requested, HttpStatusCode status, string code)
    {
        var response = await Client.GetAsync($"/openapi/{requested}.json", token: null);

        Assert.That(response.Status, Is.EqualTo(status));
        Assert.That(response.Error["code"]!.GetValue<string>(), Is.EqualTo(code));
    }

    /// <summary>"METHOD /path" of every endpoint the server maps at <paramref name="version"/>, as OpenAPI paths.</summary>
    private IEnumerable<string> Served(ApiVersionName version)
    {
        foreach (var endpoint in App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var versions = endpoint.Metadata.GetMetadata<ApiVersionMetadata>() is { } metadata
                ? metadata.Map(ApiVersionMapping.Explicit).DeclaredApiVersions.Select(DatedApiVersionParser.ToVersionName)
                : null;
            if (versions is not null && !versions.Contains(version))
            {
                continue;
            }

            var path = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');

            // The accept page (from 2026-11-25) is documented; its script and style are files of the page, not operations.
            // The API reference (/docs) is a rendering of these documents, not an operation of the API they describe.
            if (path is AcceptPageEndpoints.ScriptPath or AcceptPageEndpoints.StylePath
                || path.StartsWith(JsonApiInvites.Api.Docs.DocsEndpoints.Path + "/", StringComparison.Ordinal)
                || (path == AcceptPageEndpoints.Path && version < JsonApiInvites.Api.Memberships.MembershipResources.IntroducedIn))
            {
                continue;
            }

            foreach (var method in methods)
            {
                yield return $"{method} {path}";
            }
        }
    }
}
