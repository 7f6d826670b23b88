namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>A test class's server: the app on its own SQLite file, a client, and an organization with an all-permissions token.</summary>
public abstract class AppTests
{
    protected TestApp App { get; private set; } = null!;

    protected HttpClient Client { get; private set; } = null!;

    protected TestOrganization Org { get; private set; } = null!;

    /// <summary>False for tests that need the database empty (no organization is made).</summary>
    protected virtual bool WithOrganization => true;

    /// <summary>Runs once the app and organization exist, for a fixture's own shared data.</summary>
    protected virtual Task OnStartedAsync() => Task.CompletedTask;

    private protected async Task StartAppAsync()
    {
        App = new TestApp();
        Client = App.CreateClient();
        if (WithOrganization)
        {
            Org = await App.CreateOrganizationAsync();
        }

        await OnStartedAsync();
    }

    private protected void StopApp()
    {
        Client.Dispose();
        App.Dispose();
    }
}

/// <summary>One app for all the tests of a fixture: for tests that only read, or write data no other test looks at.</summary>
public abstract class SharedAppTests : AppTests
{
    [OneTimeSetUp]
    public Task StartSharedApp() => StartAppAsync();

    [OneTimeTearDown]
    public void StopSharedApp() => StopApp();
}

/// <summary>A fresh app and database for every test.</summary>
public abstract class FreshAppTests : AppTests
{
    [SetUp]
    public Task StartFreshApp() => StartAppAsync();

    [TearDown]
    public void StopFreshApp() => StopApp();
}
