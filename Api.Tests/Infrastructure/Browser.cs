using System.Diagnostics;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace JsonApiInvites.Api.Tests.Infrastructure;

/// <summary>
/// Headless Chromium from Debian's <c>chromium</c> package, driven by Debian's <c>chromium-driver</c> through Selenium:
/// both found on the machine (never downloaded). Without them the test is skipped with a message saying how to get
/// them, except under CI, where it fails. Screenshots go to the test's output as attachments (not to the repository).
/// </summary>
public sealed class Browser : IDisposable
{
    private static readonly string ChromiumPath = Environment.GetEnvironmentVariable("INVITES_TEST_CHROMIUM") ?? "/usr/bin/chromium";
    private static readonly string DriverPath = Environment.GetEnvironmentVariable("INVITES_TEST_CHROMEDRIVER") ?? "/usr/bin/chromedriver";

    private Browser(ChromeDriver driver) => Driver = driver;

    public IWebDriver Driver { get; }

    /// <summary>Starts the browser, or skips the test (fails it under CI) when this machine has none.</summary>
    public static Browser StartOrSkip()
    {
        if (!File.Exists(ChromiumPath) || !File.Exists(DriverPath))
        {
            var message = $"Browser tests need Debian's chromium and chromium-driver ({ChromiumPath}, {DriverPath}): "
                + "run 'apt-get install chromium chromium-driver' (or set INVITES_TEST_CHROMIUM and INVITES_TEST_CHROMEDRIVER) to run them.";
            if (TestPostgres.IsCi)
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }

        var options = new ChromeOptions { BinaryLocation = ChromiumPath };
        options.AddArguments(
            "--headless=new",
            "--no-sandbox", // tests run as root in CI containers
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--no-first-run",
            "--metrics-recording-only",
            "--window-size=1000,800");
        options.SetLoggingPreference(LogType.Browser, OpenQA.Selenium.LogLevel.All);
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(DriverPath)!, Path.GetFileName(DriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        return new Browser(new ChromeDriver(service, options, TimeSpan.FromSeconds(60)));
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails with <paramref name="what"/> and the page's text after 15 s.</summary>
    public T WaitFor<T>(Func<IWebDriver, T?> condition, string what)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (condition(Driver) is { } result && (result is not bool done || done))
                {
                    return result;
                }
            }
            catch (WebDriverException) when (watch.Elapsed < TimeSpan.FromSeconds(15))
            {
                // The page is between states (an element replaced or not there yet): ask again.
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(15))
            {
                Assert.Fail($"Timed out waiting for {what}. The page says:\n{Driver.FindElement(By.TagName("body")).Text}");
            }

            Thread.Sleep(50);
        }
    }

    /// <summary>Saves what the browser shows as <c>screenshots/{test}.{name}.png</c> in the test output, attached to the test.</summary>
    public string Screenshot(string name)
    {
        var directory = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(directory);
        var test = string.Concat(TestContext.CurrentContext.Test.FullName.Split(Path.GetInvalidFileNameChars()));
        var file = Path.Combine(directory, $"{test}.{name}.png");
        ((ITakesScreenshot)Driver).GetScreenshot().SaveAsFile(file);
        TestContext.AddTestAttachment(file, name);
        return file;
    }

    /// <summary>The console's errors since the last call (SEVERE entries of the browser log).</summary>
    public IReadOnlyList<string> ConsoleErrors() =>
        [.. Driver.Manage().Logs.GetLog(LogType.Browser).Where(e => e.Level == OpenQA.Selenium.LogLevel.Severe).Select(e => e.Message)];

    public void Dispose() => Driver.Quit();
}
