using System.Globalization;

namespace Pingan.Portal;

/// <summary>
/// The portal's two languages, side by side where they are used: <c>@T("责任追究", "Accountability")</c>. Chinese is the
/// default; English follows the switch in the header (a cookie) or the browser's languages.
/// </summary>
public static class L
{
    public static bool English => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    public static string T(string zh, string en) => English ? en : zh;
}
