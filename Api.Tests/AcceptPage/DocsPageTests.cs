using JsonApiInvites.Api.Tests.Infrastructure;
using OpenQA.Selenium;

namespace JsonApiInvites.Api.Tests.AcceptPage;

/// <summary>
/// SPEC §10, in a real browser: /docs renders the API reference of a version from the served OpenAPI document, lists
/// its operations, fetches nothing from anywhere but the server, and logs no error in the console.
/// </summary>
public sealed class DocsPageTests
{
    private Browser _browser = null!;
    private TestApp _app = null!;
    private Uri _server = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _browser = Browser.StartOrSkip();
        _app = new TestApp(DatabaseKind.Sqlite);
        _server = _app.StartListening();
        _app.Clock.StartOn(new DateOnly(2026, 11, 25));
    }

    [OneTimeTearDown]
    public void Stop()
    {
        _browser?.Dispose();
        _app?.Dispose();
    }

    [TestCase("/docs/2026-11-25", "The organization's members", TestName = "The 2026-11-25 reference lists its operations, memberships included")]
    [TestCase("/docs/2023-01-01", "Invites an email address", TestName = "A date resolves to the version it would be served by")]
    [TestCase("/docs", "The organization's members", TestName = "The bare path shows the newest GA version")]
    public void The_reference_renders_from_the_served_document_with_nothing_from_elsewhere(string path, string operation)
    {
        var page = _browser.Driver;
        page.Navigate().GoToUrl(new Uri(_server, path));

        _browser.WaitFor(d => d.FindElement(By.TagName("body")).Text.Contains(operation, StringComparison.Ordinal) ? true : (bool?)null, $"'{operation}' on {path}");
        _browser.Screenshot(path.Trim('/').Replace('/', '-'));

        var text = page.FindElement(By.TagName("body")).Text;
        Assert.That(text, Does.Contain("The organization's invitations"), "operations are listed");
        var resources = (((IJavaScriptExecutor)page).ExecuteScript("return performance.getEntriesByType('resource').map(function (e) { return e.name; });") as IEnumerable<object>)!
            .Select(r => new Uri((string)r)).ToList();
        Assert.That(resources, Is.Not.Empty);
        Assert.That(resources.Select(r => r.GetLeftPart(UriPartial.Authority)).Distinct(), Is.EqualTo(new[] { _server.GetLeftPart(UriPartial.Authority) }), "nothing fetched from elsewhere");
        Assert.That(resources.Select(r => r.AbsolutePath), Has.Some.StartsWith("/openapi/").Or.Some.Contains("/openapi/"), "rendered from the served OpenAPI document");
        var errors = _browser.ConsoleErrors();
        Assert.That(errors, Is.Empty, string.Join("\n", errors));
    }
}
