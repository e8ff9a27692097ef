"""The tools, products and vendors agents talk about: never read as people's names ("Teams", "Genesys", "Jira").

General contact-centre and office software, and the outsourcers, banks, telecoms and retailers that UK contact
centres serve (an insider review saw "the Santander account" and "Sky and BT" lose their clients' names), not a
list fitted to any test text; compared folded (lower case, no accents).
"""

from __future__ import annotations

TOOLS = frozenset("""
salesforce sfdc genesys purecloud zendesk five9 avaya aura servicenow teams slack excel sap oracle
nice incontact cxone verint calabrio freshdesk freshcaller freshworks freshchat talkdesk outlook workday jira
confluence zoom sharepoint onedrive microsoft google gmail sheets docs intercom hubspot aircall twilio
dynamics kustomer gladly amazon aws connect cisco finesse webex jabber mitel ringcentral dialpad vonage
nuance qualtrics medallia tableau looker powerbi okta citrix windows chrome edge firefox word powerpoint
whatsapp telegram signal viber messenger facebook instagram twitter tiktok linkedin youtube jabra plantronics
poly logitech liveperson sprinklr zoho pega siebel assembled guru loom miro gong chorus genesyscloud ujet
kore observeai cogito playvox maestroqa evaluagent tymeshift injixo alvaria eightbyeight ivr wfm wfo acd crm erp
pbx kb qa qm lms hris ats sso vpn api sms chatgpt copilot gemini
openai bard cortana android iphone ipad macbook lenovo dell thinkpad hp samsung apple
netsuite xero quickbooks stripe paypal shopify magento bigcommerce mailchimp docusign adobe acrobat
trello asana monday notion airtable smartsheet basecamp clickup lucidchart visio skype lync
alexa siri workvivo concentrix teleperformance sitel foundever majorel transcom capita serco sykes ttec
santander barclays hsbc lloyds natwest halifax nationwide monzo revolut starling sky bt vodafone talktalk
tesco sainsburys asda morrisons aldi lidl argos ebay deliveroo ocado
""".split())
